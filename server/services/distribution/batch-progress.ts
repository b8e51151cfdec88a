import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { bags, batches, deliveryRelays } from '@/db/schema';
import type { BatchStatus } from './rules';
import { transitionBatch } from '@/server/services/distribution/lifecycle';
import { transitionRelays } from '@/server/services/relay/lifecycle';

/**
 * After bags of a released batch changed: released → distributing on the first check-off, and
 * → completed (with its relays) once every bag is delivered or refunded.
 * Takes the batch row lock AFTER the bag locks (the order every verb uses, so no deadlock), and
 * counts open bags under it: two check-offs of the last two bags cannot both miss the completion.
 */
/** The relays a delivery carried (they move with its batch). */
export async function deliveryRelayIds(
  tx: DbOrTx,
  communityId: string,
  deliveryId: string,
): Promise<string[]> {
  const rows = await tx
    .select({ id: deliveryRelays.relayId })
    .from(deliveryRelays)
    .where(and(eq(deliveryRelays.communityId, communityId), eq(deliveryRelays.deliveryId, deliveryId)));
  return rows.map((r) => r.id);
}

export async function advanceBatch(
  tx: DbOrTx,
  communityId: string,
  batchId: string,
  now: Date,
): Promise<BatchStatus> {
  const [batch] = await tx
    .select({ status: batches.status, deliveryId: batches.deliveryId })
    .from(batches)
    .where(and(eq(batches.communityId, communityId), eq(batches.id, batchId)))
    .for('update');
  if (!batch) return 'received';
  let status: BatchStatus = batch.status;
  if (status !== 'released' && status !== 'distributing') return status;
  const [open] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(bags)
    .where(
      and(
        eq(bags.communityId, communityId),
        eq(bags.batchId, batchId),
        inArray(bags.status, ['pending', 'exception']),
      ),
    );
  const done = Number(open?.n ?? 0) === 0;
  if (status === 'released') {
    await transitionBatch(tx, { communityId, id: batchId }, 'distributing', {
      from: ['released'],
      set: { distributingAt: now, updatedAt: now },
    });
    status = 'distributing';
  }
  if (done) {
    await transitionBatch(tx, { communityId, id: batchId }, 'completed', {
      from: ['distributing'],
      set: { completedAt: now, updatedAt: now },
    });
    status = 'completed';
    const relayIds = await deliveryRelayIds(tx, communityId, batch.deliveryId);
    if (relayIds.length > 0) {
      await transitionRelays(tx, { communityId, ids: relayIds }, 'completed', {
        from: ['distributing'],
        set: { updatedAt: now },
      });
    }
  }
  return status;
}
