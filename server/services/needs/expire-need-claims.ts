import { and, eq, lt } from 'drizzle-orm';
import { needClaims, needs } from '@/db/schema';
import type { Db } from '@/db/client';
import { notifyUsers } from '@/server/services/shared/notify';
import { CLAIM_TIMEOUT_MINUTES } from './rules';
import { transitionClaim, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

/**
 * The claim timeout: a need claimed CLAIM_TIMEOUT_MINUTES ago and neither bought nor delivered
 * goes back to the open list, and its volunteer is told. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so two app instances never expire the same claim twice. Returns how many.
 */
export async function expireNeedClaims({ ctx }: { ctx: { db: Db; now: () => Date } }): Promise<number> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - CLAIM_TIMEOUT_MINUTES * 60_000);
  return inTransaction(ctx.db, async (tx) => {
    const due = await tx
      .select()
      .from(needs)
      .where(and(eq(needs.status, 'claimed'), lt(needs.claimedAt, cutoff)))
      .limit(200)
      .for('update', { skipLocked: true });
    for (const need of due) {
      const [claim] = await tx
        .select()
        .from(needClaims)
        .where(
          and(
            eq(needClaims.communityId, need.communityId),
            eq(needClaims.needId, need.id),
            eq(needClaims.status, 'active'),
          ),
        )
        .for('update');
      if (claim) await transitionClaim(tx, claim, 'expired', now);
      await transitionNeed(tx, {
        need,
        to: 'open',
        actorUserId: null,
        action: 'claim_expired',
        now,
        set: { claimedBy: null, claimedAt: null },
        payload: { volunteerUserId: need.claimedBy },
      });
      if (need.claimedBy)
        await notifyUsers(tx, [
          {
            communityId: need.communityId,
            userId: need.claimedBy,
            kind: 'need.claim_expired',
            payload: { needId: need.id, href: `/v/${need.communityId}/needs` },
          },
        ]);
    }
    return due.length;
  });
}
