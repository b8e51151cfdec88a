import type { Tx } from '@/db/client';
import type { Actor } from '@/server/services/roster/actor';
import { notFound } from '@/server/services/shared/errors';
import { liveClaim, lockNeed, type ClaimRow, type NeedRow } from './transition';

/**
 * The need and its live claim, for a step only the claimant takes (bought, delivered, release).
 * Someone else's errand reads as not found; a need with no live claim is a state error left to
 * the transition.
 */
export async function lockOwnClaim(
  tx: Tx,
  actor: Actor,
  communityId: string,
  needId: string,
): Promise<{ need: NeedRow; claim: ClaimRow }> {
  const need = await lockNeed(tx, communityId, needId);
  const claim = await liveClaim(tx, need);
  if (!claim || claim.volunteerUserId !== actor.userId)
    throw notFound('CLAIM_NOT_FOUND', '这不是您认领的需求 / You have not claimed this need.');
  return { need, claim };
}
