import { z } from 'zod';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound, preconditionFailed } from '@/server/services/shared/errors';
import { lockNeed, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const SettleNeedCashInput = z.object({
  communityId: CommunityId,
  needId: Id,
  /** The amount handed over, in fen: must be exactly what was advanced. */
  amountFen: z.number().int().min(1),
});
export type SettleNeedCashInput = z.infer<typeof SettleNeedCashInput>;

/**
 * 现金结清: the volunteer who delivered (or a coordinator) records that the household paid the
 * advanced amount in cash. The amount must match to the fen.
 */
export async function settleNeedCash({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: SettleNeedCashInput;
}) {
  const input = SettleNeedCashInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  return inTransaction(actor.ctx.db, async (tx) => {
    const need = await lockNeed(tx, input.communityId, input.needId);
    if (!actor.coordinator && need.claimedBy !== actor.userId)
      throw notFound('NEED_NOT_FOUND', '找不到该需求 / Need not found.');
    if (need.status === 'delivered' && input.amountFen !== need.advancedFen)
      throw preconditionFailed(
        'NEED_AMOUNT_MISMATCH',
        `垫付金额为 ${need.advancedFen} 分 / The advanced amount is ${need.advancedFen} fen.`,
        { details: { advancedFen: need.advancedFen } },
      );
    const now = ctx.now();
    const after = await transitionNeed(tx, {
      need,
      to: 'settled',
      actorUserId: actor.userId,
      action: 'settle',
      now,
      set: { settlement: 'cash', settledAt: now, settledBy: actor.userId },
      payload: { settlement: 'cash', amountFen: input.amountFen },
    });
    return {
      needId: after.id,
      status: after.status,
      settlement: after.settlement,
      amountFen: after.advancedFen,
    };
  });
}
