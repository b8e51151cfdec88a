import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';

export const ListNoticesInput = z.object({ communityId: CommunityId });
export type ListNoticesInput = z.infer<typeof ListNoticesInput>;

export type NoticeSummary = {
  id: string;
  title: string;
  needsConfirm: boolean;
  target: 'compound' | 'buildings' | 'stairwells';
  createdAt: Date;
  /** Counts over the caller's scope: the whole compound for coordinators, their stairwells otherwise. */
  households: number;
  read: number;
  confirmed: number;
  informed: number;
};

/** The notices staff follow up on, newest first, with how far each has reached. */
export async function listNotices({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ListNoticesInput;
}): Promise<NoticeSummary[]> {
  const input = ListNoticesInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  if (!actor.coordinator && actor.assigned.length === 0) return [];
  const scope = actor.coordinator ? sql`` : sql`and r.stairwell_id in ${actor.assigned}`;
  const rows = await queryRows<Record<string, unknown>>(
    actor.ctx.db,
    sql`select n.id, n.title, n.needs_confirm, n.target, n.created_at,
               count(*)::int as households,
               count(r.read_at)::int as read,
               count(r.confirmed_at)::int as confirmed,
               count(r.informed_at)::int as informed
        from notices n
        join notice_receipts r on r.community_id = n.community_id and r.notice_id = n.id
        where n.community_id = ${input.communityId}::uuid ${scope}
        group by n.community_id, n.id
        order by n.created_at desc
        limit 50`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    title: String(r.title),
    needsConfirm: Boolean(r.needs_confirm),
    target: r.target as NoticeSummary['target'],
    createdAt: new Date(r.created_at as string),
    households: Number(r.households),
    read: Number(r.read),
    confirmed: Number(r.confirmed),
    informed: Number(r.informed),
  }));
}
