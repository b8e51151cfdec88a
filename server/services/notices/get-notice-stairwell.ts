import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { loadNotice } from './scope';

export const GetNoticeStairwellInput = z.object({ communityId: CommunityId, noticeId: Id, stairwellId: Id });
export type GetNoticeStairwellInput = z.infer<typeof GetNoticeStairwellInput>;

export type ReceiptRow = {
  householdId: string;
  floor: number;
  room: string;
  residents: string;
  care: boolean;
  readAt: Date | null;
  confirmedAt: Date | null;
  informedAt: Date | null;
  /** Not read, or not confirmed when the notice asks for it, and not informed in person. */
  outstanding: boolean;
};

/**
 * "Who is left" for one stairwell: every household the notice reached there, the ones still
 * outstanding first and, among them, care households first, so the leader knows whose door to
 * knock on. The list is ONE query over the receipts (indexed by notice and stairwell).
 * Coordinators see any stairwell; a volunteer their own; anything else reads as not found.
 */
export async function getNoticeStairwell({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: GetNoticeStairwellInput;
}) {
  const input = GetNoticeStairwellInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  if (!actor.coordinator && !actor.assigned.includes(input.stairwellId))
    throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
  const notice = await loadNotice(actor.ctx.db, input.communityId, input.noticeId);
  const rows = await queryRows<Record<string, unknown>>(
    actor.ctx.db,
    sql`select h.id, h.floor, h.room, r.read_at, r.confirmed_at, r.informed_at,
               (cp.household_id is not null) as care,
               coalesce((select string_agg(u.name, '、' order by u.name)
                         from memberships m join users u on u.id = m.user_id
                         where m.community_id = h.community_id and m.household_id = h.id
                           and m.role = 'resident'), '') as residents,
               (r.informed_at is null and (r.read_at is null
                 or (${notice.needsConfirm} and r.confirmed_at is null))) as outstanding
        from notice_receipts r
        join households h on h.community_id = r.community_id and h.id = r.household_id
        left join care_profiles cp on cp.community_id = h.community_id and cp.household_id = h.id
        where r.community_id = ${input.communityId}::uuid and r.notice_id = ${input.noticeId}::uuid
          and r.stairwell_id = ${input.stairwellId}::uuid
        order by outstanding desc, care desc, h.floor, h.room`,
  );
  const households: ReceiptRow[] = rows.map((r) => ({
    householdId: String(r.id),
    floor: Number(r.floor),
    room: String(r.room),
    residents: typeof r.residents === 'string' ? r.residents : '',
    care: Boolean(r.care),
    readAt: r.read_at ? new Date(r.read_at as string) : null,
    confirmedAt: r.confirmed_at ? new Date(r.confirmed_at as string) : null,
    informedAt: r.informed_at ? new Date(r.informed_at as string) : null,
    outstanding: Boolean(r.outstanding),
  }));
  if (households.length === 0) throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
  return {
    notice: {
      id: notice.id,
      title: notice.title,
      body: notice.body,
      needsConfirm: notice.needsConfirm,
      photoKey: notice.photoKey,
    },
    households,
    left: households.filter((h) => h.outstanding).length,
  };
}
