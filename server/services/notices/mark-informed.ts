import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { noticeReceipts } from '@/db/schema';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { inTransaction } from '@/server/services/shared/tx';

export const MarkInformedInput = z.object({ communityId: CommunityId, noticeId: Id, householdId: Id });
export type MarkInformedInput = z.infer<typeof MarkInformedInput>;

/** 已当面告知: the leader knocked or called; the household no longer counts as left. */
export async function markInformed({ ctx, input: raw }: { ctx: ServiceContext; input: MarkInformedInput }) {
  const input = MarkInformedInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  if (!actor.coordinator && actor.assigned.length === 0)
    throw notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.');
  return inTransaction(actor.ctx.db, async (tx) => {
    const [row] = await tx
      .update(noticeReceipts)
      .set({ informedAt: ctx.now(), informedBy: actor.userId })
      .where(
        and(
          eq(noticeReceipts.communityId, input.communityId),
          eq(noticeReceipts.noticeId, input.noticeId),
          eq(noticeReceipts.householdId, input.householdId),
          isNull(noticeReceipts.informedAt),
          actor.coordinator ? undefined : inArray(noticeReceipts.stairwellId, actor.assigned),
        ),
      )
      .returning({ informedAt: noticeReceipts.informedAt });
    if (!row) {
      const [existing] = await tx
        .select({ informedAt: noticeReceipts.informedAt })
        .from(noticeReceipts)
        .where(
          and(
            eq(noticeReceipts.communityId, input.communityId),
            eq(noticeReceipts.noticeId, input.noticeId),
            eq(noticeReceipts.householdId, input.householdId),
            actor.coordinator ? undefined : inArray(noticeReceipts.stairwellId, actor.assigned),
          ),
        );
      if (!existing) throw notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.');
      return { informedAt: existing.informedAt };
    }
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: actor.userId,
      action: 'notice.informed',
      entityType: 'notice',
      entityId: input.noticeId,
      after: { householdId: input.householdId },
    });
    return { informedAt: row.informedAt };
  });
}
