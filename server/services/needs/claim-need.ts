import { z } from 'zod';
import { needClaims } from '@/db/schema';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict, PG_UNIQUE_VIOLATION, pgErrorCode } from '@/server/services/shared/errors';
import { lockNeed, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const ClaimNeedInput = z.object({ communityId: CommunityId, needId: Id });
export type ClaimNeedInput = z.infer<typeof ClaimNeedInput>;

const alreadyClaimed = () =>
  conflict(
    'NEED_ALREADY_CLAIMED',
    '已有志愿者认领了这个需求 / Another volunteer has already claimed this need.',
  );

/**
 * A volunteer takes a need on. One claimant per need: the row lock and the guarded status
 * UPDATE decide between concurrent claims, and the partial unique index on live claims holds
 * even for a writer that skipped both.
 */
export async function claimNeed({ ctx, input: raw }: { ctx: ServiceContext; input: ClaimNeedInput }) {
  const input = ClaimNeedInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  try {
    return await inTransaction(actor.ctx.db, async (tx) => {
      const need = await lockNeed(tx, input.communityId, input.needId);
      const now = ctx.now();
      const after = await transitionNeed(tx, {
        need,
        to: 'claimed',
        actorUserId: actor.userId,
        action: 'claim',
        now,
        set: { claimedBy: actor.userId, claimedAt: now },
        refuse: need.status === 'claimed' || need.status === 'bought' ? alreadyClaimed : undefined,
      });
      const [claim] = await tx
        .insert(needClaims)
        .values({
          communityId: input.communityId,
          needId: need.id,
          volunteerUserId: actor.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      return { needId: after.id, claimId: claim!.id, status: after.status };
    });
  } catch (e) {
    if (pgErrorCode(e) === PG_UNIQUE_VIOLATION) throw alreadyClaimed();
    throw e;
  }
}
