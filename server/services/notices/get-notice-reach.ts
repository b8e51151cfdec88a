import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { loadNotice } from './scope';

export const GetNoticeReachInput = z.object({ communityId: CommunityId, noticeId: Id });
export type GetNoticeReachInput = z.infer<typeof GetNoticeReachInput>;

type StairwellReach = {
  stairwellId: string;
  name: string;
  households: number;
  read: number;
  confirmed: number;
  /** Not read, or not confirmed when asked, and not informed in person. */
  left: number;
  careLeft: number;
};

/**
 * Where a notice still has households to reach, per stairwell of the caller's scope (every
 * stairwell for a coordinator, their own for a leader or volunteer), the most left first. One
 * grouped query over the receipts; the per-stairwell list is `notices.stairwell`.
 */
export async function getNoticeReach({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: GetNoticeReachInput;
}) {
  const input = GetNoticeReachInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const notice = await loadNotice(actor.ctx.db, input.communityId, input.noticeId);
  const view = {
    id: notice.id,
    title: notice.title,
    body: notice.body,
    needsConfirm: notice.needsConfirm,
    photoKey: notice.photoKey,
    createdAt: notice.createdAt,
  };
  if (!actor.coordinator && actor.assigned.length === 0) return { notice: view, stairwells: [] };
  const scope = actor.coordinator ? sql`` : sql`and r.stairwell_id in ${actor.assigned}`;
  const outstanding = sql`(r.informed_at is null and (r.read_at is null
    or (${notice.needsConfirm} and r.confirmed_at is null)))`;
  const rows = await queryRows<Record<string, unknown>>(
    actor.ctx.db,
    sql`select r.stairwell_id, b.number as building, s.number as stairwell,
               count(*)::int as households, count(r.read_at)::int as read,
               count(r.confirmed_at)::int as confirmed,
               count(*) filter (where ${outstanding})::int as left_count,
               count(*) filter (where ${outstanding} and cp.household_id is not null)::int as care_left
        from notice_receipts r
        join stairwells s on s.community_id = r.community_id and s.id = r.stairwell_id
        join buildings b on b.community_id = s.community_id and b.id = s.building_id
        left join care_profiles cp on cp.community_id = r.community_id and cp.household_id = r.household_id
        where r.community_id = ${input.communityId}::uuid and r.notice_id = ${input.noticeId}::uuid ${scope}
        group by r.stairwell_id, b.number, s.number, b.route_order, s.route_order
        order by left_count desc, care_left desc, b.route_order, s.route_order
        limit 500`,
  );
  const stairwells: StairwellReach[] = rows.map((r) => ({
    stairwellId: String(r.stairwell_id),
    name: `${String(r.building)}-${String(r.stairwell)}`,
    households: Number(r.households),
    read: Number(r.read),
    confirmed: Number(r.confirmed),
    left: Number(r.left_count),
    careLeft: Number(r.care_left),
  }));
  return { notice: view, stairwells };
}
