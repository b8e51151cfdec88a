import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bags, batches } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { publishDistribution } from './events';
import { deliveryRelayIds } from './batch-progress';
import { BATCH_NOT_FOUND } from './internal';
import { canRelease, releasableAt } from './rules';
import { transitionBatch } from '@/server/services/distribution/lifecycle';
import { transitionRelays } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const ReleaseBatchInput = z.object({ communityId: Id, batchId: Id });
export type ReleaseBatchInput = z.infer<typeof ReleaseBatchInput>;

/**
 * disinfecting → released, only once the dwell has passed by the SERVER's clock (a CHECK
 * constraint backs it). The relays on the truck start distributing; bags may now be checked off.
 */
export async function releaseBatch({ ctx, input }: { ctx: ServiceContext; input: ReleaseBatchInput }) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = ctx.user!;
  const now = ctx.now();
  const { communityId } = input;

  const result = await inTransaction(ctx.db, async (tx) => {
    const [batch] = await tx
      .select()
      .from(batches)
      .where(and(eq(batches.communityId, communityId), eq(batches.id, input.batchId)))
      .for('update');
    if (!batch) throw BATCH_NOT_FOUND();
    if (batch.status === 'received') {
      throw preconditionFailed('BATCH_NOT_DISINFECTED', '请先登记消杀 / Record the disinfection first.');
    }
    if (batch.status !== 'disinfecting') {
      throw preconditionFailed(
        'BATCH_ALREADY_RELEASED',
        '这一批已经放行 / This batch has already been released.',
      );
    }
    if (!canRelease(now, batch.disinfectionStartedAt, batch.dwellSeconds)) {
      const at = releasableAt(batch.disinfectionStartedAt!, batch.dwellSeconds!);
      throw preconditionFailed(
        'DWELL_NOT_PASSED',
        `消杀作用时间未到，${at.toISOString()} 后才能放行 / The dwell time has not passed yet.`,
        {
          details: {
            releasableAt: at.toISOString(),
            secondsLeft: Math.ceil((at.getTime() - now.getTime()) / 1000),
          },
        },
      );
    }
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(bags)
      .where(
        and(
          eq(bags.communityId, communityId),
          eq(bags.batchId, batch.id),
          inArray(bags.status, ['pending', 'exception']),
        ),
      );
    // A batch with nothing left to carry (every order wholly undelivered) is done at release.
    const done = Number(open?.n ?? 0) === 0;
    const [released] = await transitionBatch(
      tx,
      { communityId, id: batch.id },
      done ? 'completed' : 'released',
      {
        from: ['disinfecting'],
        set: { releasedAt: now, releasedBy: user.id, completedAt: done ? now : null, updatedAt: now },
      },
    ).returning();
    if (!released)
      throw preconditionFailed(
        'BATCH_ALREADY_RELEASED',
        '这一批已经放行 / This batch has already been released.',
      );
    const relayIds = await deliveryRelayIds(tx, communityId, batch.deliveryId);
    if (relayIds.length > 0) {
      await transitionRelays(tx, { communityId, ids: relayIds }, 'distributing', {
        from: ['arrived'],
        set: { updatedAt: now },
      });
      if (done) {
        await transitionRelays(tx, { communityId, ids: relayIds }, 'completed', {
          from: ['distributing'],
          set: { updatedAt: now },
        });
      }
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'batch.released',
      entityType: 'batch',
      entityId: batch.id,
      before: { status: 'disinfecting' },
      after: { status: released.status, releasedAt: now.toISOString() },
    });
    return { batchId: batch.id, status: released.status, releasedAt: now };
  });
  await publishDistribution(ctx, communityId, [{ kind: 'batch', batchId: result.batchId }]);
  return result;
}
