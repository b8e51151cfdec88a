import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type DbOrTx } from '@/db/client';
import { buildings, notices, stairwells } from '@/db/schema';
import { smsNotice } from '@/server/messaging/notice-sms';
import { CarePhotoKey, requireCarePhoto } from '@/server/services/care/care-photo';
import { requireActor, STAFF_ROLES, type Actor } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, forbidden, notFound } from '@/server/services/shared/errors';
import { CommunityId, Id, PlainText } from '@/server/services/shared/zod';
import { inTransaction } from '@/server/services/shared/tx';

export const PostNoticeInput = z.object({
  communityId: CommunityId,
  title: PlainText(1, 80),
  body: PlainText(1, 2000),
  needsConfirm: z.boolean().default(false),
  photoKey: CarePhotoKey.nullish(),
  target: z.enum(['compound', 'buildings', 'stairwells']),
  targetIds: z.array(Id).max(500).default([]),
});
export type PostNoticeInput = z.input<typeof PostNoticeInput>;

/** Coordinators post anywhere; a stairwell leader (楼组长) to the stairwells they lead, and only there. */
async function checkTarget(actor: Actor, input: z.infer<typeof PostNoticeInput>): Promise<string[]> {
  const ids = [...new Set(input.targetIds)];
  if (input.target === 'compound') {
    if (!actor.coordinator)
      throw forbidden(
        'NOTICE_TARGET_FORBIDDEN',
        '只有协调员可以通知全小区 / Only coordinators post to the whole compound.',
      );
    return [];
  }
  if (ids.length === 0)
    throw badRequest('NOTICE_TARGET_REQUIRED', '请选择楼栋或楼道 / Choose buildings or stairwells.', {
      field: 'targetIds',
    });
  const c = input.communityId;
  if (input.target === 'buildings') {
    if (!actor.coordinator)
      throw forbidden(
        'NOTICE_TARGET_FORBIDDEN',
        '楼组长只能通知自己的楼道 / Leaders post to their own stairwells.',
      );
    const found = await actor.ctx.db
      .select({ id: buildings.id })
      .from(buildings)
      .where(and(eq(buildings.communityId, c), inArray(buildings.id, ids)));
    if (found.length !== ids.length)
      throw notFound('BUILDING_NOT_FOUND', '找不到该楼栋 / Building not found.');
    return ids;
  }
  if (!actor.coordinator) {
    if (actor.leads.length === 0)
      throw forbidden('NOTICE_TARGET_FORBIDDEN', '楼组长才能发通知 / Only stairwell leaders post notices.');
    if (ids.some((id) => !actor.leads.includes(id)))
      throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
  }
  const found = await actor.ctx.db
    .select({ id: stairwells.id })
    .from(stairwells)
    .where(and(eq(stairwells.communityId, c), inArray(stairwells.id, ids)));
  if (found.length !== ids.length)
    throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
  return ids;
}

/**
 * Posts a notice and writes its reach — one receipt row per household — in ONE statement
 * (INSERT … SELECT over the roster), however many households it reaches: 1,506 for the whole
 * compound. The same statement stores the household count. In-app delivery is the receipt itself
 * (the resident's home lists unread notices first).
 */
export async function postNotice({ ctx, input: raw }: { ctx: ServiceContext; input: PostNoticeInput }) {
  const input = PostNoticeInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const targetIds = await checkTarget(actor, input);
  const c = input.communityId;
  await requireCarePhoto(c, input.photoKey);
  const posted = await inTransaction(actor.ctx.db, async (tx) => {
    const [notice] = await tx
      .insert(notices)
      .values({
        communityId: c,
        authorUserId: actor.userId,
        title: input.title,
        body: input.body,
        needsConfirm: input.needsConfirm,
        photoKey: input.photoKey ?? null,
        target: input.target,
        targetIds,
        createdAt: ctx.now(),
      })
      .returning();
    const where = filter(input.target, targetIds);
    const [count] = await queryRows<{ n: number }>(
      tx,
      sql`with reach as (
            insert into notice_receipts (community_id, notice_id, household_id, stairwell_id)
            select h.community_id, ${notice!.id}::uuid, h.id, h.stairwell_id
            from households h
            join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
            where h.community_id = ${c}::uuid ${where}
            returning 1)
          update notices set household_count = (select count(*) from reach)
          where community_id = ${c}::uuid and id = ${notice!.id}::uuid
          returning household_count as n`,
    );
    const householdCount = Number(count?.n ?? 0);
    await writeAudit(tx, {
      communityId: c,
      actorUserId: actor.userId,
      action: 'notice.post',
      entityType: 'notice',
      entityId: notice!.id,
      after: { title: input.title, target: input.target, targetIds, householdCount },
    });
    return { id: notice!.id, householdCount };
  });
  const sms = await smsToPhonelessCare(
    actor.ctx.db,
    c,
    posted.id,
    input.title,
    filter(input.target, targetIds),
  );
  return { ...posted, smsSent: sms };
}

/** The households a target reaches, as a WHERE fragment over `households h join stairwells s`. */
function filter(target: 'compound' | 'buildings' | 'stairwells', targetIds: string[]) {
  return target === 'compound'
    ? sql``
    : target === 'buildings'
      ? sql`and s.building_id in ${targetIds}`
      : sql`and h.stairwell_id in ${targetIds}`;
}

/**
 * The notice by SMS to the phones registered on reached households that have no smartphone (care
 * category `no_smartphone`). One query, after the commit: a slow gateway never holds the notice's
 * transaction. Returns how many messages went out.
 */
async function smsToPhonelessCare(
  db: DbOrTx,
  c: string,
  noticeId: string,
  title: string,
  where: ReturnType<typeof sql>,
) {
  const rows = await queryRows<{ phone: string; compound: string }>(
    db,
    sql`select distinct u.phone, cm.name as compound
        from households h
        join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
        join care_profiles cp on cp.community_id = h.community_id and cp.household_id = h.id
          and 'no_smartphone' = any(cp.categories)
        join memberships m on m.community_id = h.community_id and m.household_id = h.id
          and m.role = 'resident'
        join users u on u.id = m.user_id and u.phone is not null
        join communities cm on cm.id = h.community_id
        where h.community_id = ${c}::uuid ${where}`,
  );
  if (rows.length === 0) return 0;
  const outcomes = await smsNotice(
    rows.map((r) => r.phone),
    noticeId,
    { title, compound: rows[0]!.compound },
  );
  return outcomes.filter((o) => o === 'sent').length;
}
