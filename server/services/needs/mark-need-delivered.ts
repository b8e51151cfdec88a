import { z } from 'zod';
import { CarePhotoKey, requireCarePhoto } from '@/server/services/care/care-photo';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { lockOwnClaim } from './progress';
import { MAX_ADVANCED_FEN } from './rules';
import { transitionClaim, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const MarkNeedDeliveredInput = z.object({
  communityId: CommunityId,
  needId: Id,
  /** What the volunteer paid out of pocket, in fen; 0 when nothing is owed. */
  advancedFen: z.number().int().min(0).max(MAX_ADVANCED_FEN),
  /** A photo at the door (and of the receipt), uploaded first with needs.uploadPhoto. */
  photoKey: CarePhotoKey.nullish(),
});
export type MarkNeedDeliveredInput = z.infer<typeof MarkNeedDeliveredInput>;

/**
 * 已送到: the claimant brought it to the door and says what they advanced. Nothing advanced means
 * nothing to settle: the need is settled at once.
 */
export async function markNeedDelivered({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: MarkNeedDeliveredInput;
}) {
  const input = MarkNeedDeliveredInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  await requireCarePhoto(input.communityId, input.photoKey);
  return inTransaction(actor.ctx.db, async (tx) => {
    const { need, claim } = await lockOwnClaim(tx, actor, input.communityId, input.needId);
    const now = ctx.now();
    await transitionClaim(tx, claim, 'delivered', now);
    let after = await transitionNeed(tx, {
      need,
      to: 'delivered',
      actorUserId: actor.userId,
      action: 'delivered',
      now,
      set: { deliveredAt: now, advancedFen: input.advancedFen, deliveryPhotoKey: input.photoKey ?? null },
      payload: { advancedFen: input.advancedFen },
    });
    if (input.advancedFen === 0)
      after = await transitionNeed(tx, {
        need: after,
        to: 'settled',
        actorUserId: actor.userId,
        action: 'settle',
        now,
        set: { settlement: 'none', settledAt: now, settledBy: actor.userId },
        payload: { settlement: 'none' },
      });
    return { needId: after.id, status: after.status, advancedFen: after.advancedFen };
  });
}
