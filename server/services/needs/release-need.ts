import { z } from 'zod';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { lockOwnClaim } from './progress';
import { transitionClaim, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const ReleaseNeedInput = z.object({ communityId: CommunityId, needId: Id });
export type ReleaseNeedInput = z.infer<typeof ReleaseNeedInput>;

/** The claimant cannot do it after all: the need goes back to the open list. */
export async function releaseNeed({ ctx, input: raw }: { ctx: ServiceContext; input: ReleaseNeedInput }) {
  const input = ReleaseNeedInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  return inTransaction(actor.ctx.db, async (tx) => {
    const { need, claim } = await lockOwnClaim(tx, actor, input.communityId, input.needId);
    const now = ctx.now();
    await transitionClaim(tx, claim, 'released', now);
    const after = await transitionNeed(tx, {
      need,
      to: 'open',
      actorUserId: actor.userId,
      action: 'release',
      now,
      set: { claimedBy: null, claimedAt: null },
    });
    return { needId: after.id, status: after.status };
  });
}
