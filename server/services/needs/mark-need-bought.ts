import { z } from 'zod';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { lockOwnClaim } from './progress';
import { MAX_ADVANCED_FEN } from './rules';
import { transitionClaim, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const MarkNeedBoughtInput = z.object({
  communityId: CommunityId,
  needId: Id,
  advancedFen: z.number().int().min(0).max(MAX_ADVANCED_FEN).optional(),
});
export type MarkNeedBoughtInput = z.infer<typeof MarkNeedBoughtInput>;

/** 已买到: the claimant bought it (optionally with what they paid); the timeout clock restarts. */
export async function markNeedBought({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: MarkNeedBoughtInput;
}) {
  const input = MarkNeedBoughtInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  return inTransaction(actor.ctx.db, async (tx) => {
    const { need, claim } = await lockOwnClaim(tx, actor, input.communityId, input.needId);
    const now = ctx.now();
    await transitionClaim(tx, claim, 'bought', now);
    const after = await transitionNeed(tx, {
      need,
      to: 'bought',
      actorUserId: actor.userId,
      action: 'bought',
      now,
      set: { claimedAt: now, ...(input.advancedFen !== undefined ? { advancedFen: input.advancedFen } : {}) },
      payload: { advancedFen: input.advancedFen ?? need.advancedFen },
    });
    return { needId: after.id, status: after.status, advancedFen: after.advancedFen };
  });
}
