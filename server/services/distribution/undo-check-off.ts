import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { bagEvents, bags, batches, orders, relays } from '@/db/schema';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { Id } from '@/server/services/shared/zod';
import { transitionBag, transitionBatch } from '@/server/services/distribution/lifecycle';
import { transitionOrders, transitionRelays } from '@/server/services/relay/lifecycle';
import { deliveryRelayIds } from './batch-progress';
import { publishDistribution } from './events';
import { BAG_NOT_FOUND, inScope, notifyHouseholds, stairwellScope } from './internal';
import { checkoffUndoInTime, CHECKOFF_UNDO_MINUTES, type BagStatus } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const UndoCheckOffInput = z.object({
  communityId: Id,
  /** Made by the phone for this undo; a replay with the same id changes nothing. */
  undoId: Id,
  /** The check-off being taken back (its phone-made id). */
  checkoffId: Id,
  /** The phone's clock at the undo. */
  clientAt: z.coerce.date(),
});
export type UndoCheckOffInput = z.infer<typeof UndoCheckOffInput>;

const UNDO_EXPIRED = () =>
  preconditionFailed(
    'CHECKOFF_UNDO_EXPIRED',
    `这次送达已不能撤销（超过 ${CHECKOFF_UNDO_MINUTES} 分钟，或袋子之后又有变化），请联系协调员 / This delivery can no longer be undone (over ${CHECKOFF_UNDO_MINUTES} minutes, or the bag changed since); ask a coordinator.`,
  );

type Event = typeof bagEvents.$inferSelect;
type Bag = typeof bags.$inferSelect;

/**
 * 撤销送达: a ✓ 送达 tapped by mistake is taken back within CHECKOFF_UNDO_MINUTES (the phone's
 * clock, so an undo queued offline counts when it was tapped). The bag returns to where it was
 * (pending or exception), its order to paid, a batch (and its relays) that the check-off completed
 * to distributing. The check-off's event and audit rows stay; the undo adds its own. Only the
 * volunteer who checked it off, or a coordinator; not once the resident confirmed it, nor a cash
 * (货到付款) hand-over, nor after anything else happened to the bag. Idempotent by `undoId`.
 */
export async function undoCheckOff({ ctx, input }: { ctx: ServiceContext; input: UndoCheckOffInput }) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const actx = ctx as AuthedContext;
  const { communityId } = input;
  const scope = await stairwellScope(actx, communityId);
  const now = ctx.now();
  const result = await inTransaction(ctx.db, async (tx) => {
    const { event, bag } = await loadCheckoff(tx, communityId, input.checkoffId);
    if (!inScope(scope, bag.stairwellId)) throw BAG_NOT_FOUND();
    const [replay] = await tx
      .select({ bagId: bagEvents.bagId })
      .from(bagEvents)
      .where(and(eq(bagEvents.communityId, communityId), eq(bagEvents.id, input.undoId)));
    if (replay) return { bag, replayed: true, batchReopened: false };
    if (event.actorUserId !== actx.user.id && !scope.all) {
      throw forbidden(
        'CHECKOFF_NOT_YOURS',
        '只有登记送达的志愿者或协调员可以撤销 / Only the volunteer who checked it off, or a coordinator, can undo it.',
      );
    }
    await assertUndoable(tx, communityId, event, bag, input.clientAt);
    const back = event.fromStatus;
    const [updated] = await transitionBag(tx, { communityId, id: bag.id }, back, {
      from: ['delivered'],
      set: { deliveredAt: null, deliveredBy: null, clientAt: null, updatedAt: now },
    }).returning();
    await transitionOrders(tx, { communityId, id: bag.orderId }, 'paid', {
      from: ['fulfilled'],
      set: { updatedAt: now },
    });
    const batchReopened = await reopenBatch(tx, communityId, bag.batchId, now);
    await recordUndo(tx, actx, input, { event, bag, back, now, batchReopened });
    return { bag: updated!, replayed: false, batchReopened };
  });
  if (!result.replayed) {
    const b = result.bag;
    await publishDistribution(ctx, communityId, [
      {
        kind: 'bag',
        bagId: b.id,
        batchId: b.batchId,
        stairwellId: b.stairwellId,
        householdId: b.householdId,
      },
      ...(result.batchReopened ? [{ kind: 'batch' as const, batchId: b.batchId }] : []),
    ]);
  }
  return { bagId: result.bag.id, status: result.bag.status, replayed: result.replayed };
}

async function loadCheckoff(tx: Tx, communityId: string, checkoffId: string) {
  const [event] = await tx
    .select()
    .from(bagEvents)
    .where(and(eq(bagEvents.communityId, communityId), eq(bagEvents.id, checkoffId)));
  if (!event || event.outcome !== 'delivered') {
    throw notFound('CHECKOFF_NOT_FOUND', '找不到这次送达登记 / This check-off was not found.');
  }
  const [bag] = await tx
    .select()
    .from(bags)
    .where(and(eq(bags.communityId, communityId), eq(bags.id, event.bagId)))
    .for('update');
  if (!bag) throw notFound('CHECKOFF_NOT_FOUND', '找不到这次送达登记 / This check-off was not found.');
  return { event, bag };
}

/** In time, still the bag's last event, not confirmed by the resident, not a cash hand-over. */
async function assertUndoable(tx: Tx, communityId: string, event: Event, bag: Bag, undoAt: Date) {
  const [last] = await tx
    .select({ id: bagEvents.id })
    .from(bagEvents)
    .where(and(eq(bagEvents.communityId, communityId), eq(bagEvents.bagId, bag.id)))
    .orderBy(desc(bagEvents.receivedAt), desc(bagEvents.clientAt))
    .limit(1);
  if (
    bag.status !== 'delivered' ||
    last?.id !== event.id ||
    bag.confirmedAt !== null ||
    !checkoffUndoInTime(event.clientAt, undoAt)
  ) {
    throw UNDO_EXPIRED();
  }
  const [order] = await tx
    .select({ cash: orders.cashOnDelivery })
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, bag.orderId)));
  if (order?.cash) {
    throw preconditionFailed(
      'CHECKOFF_UNDO_CASH',
      '货到付款的袋子已登记收款，不能撤销，请联系协调员更正 / A cash-on-delivery hand-over cannot be undone here; ask a coordinator to correct it.',
    );
  }
}

/** A batch the check-off completed is open again (and its relays distributing again). */
async function reopenBatch(tx: Tx, communityId: string, batchId: string, now: Date): Promise<boolean> {
  const [batch] = await tx
    .select({ status: batches.status, deliveryId: batches.deliveryId })
    .from(batches)
    .where(and(eq(batches.communityId, communityId), eq(batches.id, batchId)))
    .for('update');
  if (batch?.status !== 'completed') return false;
  await transitionBatch(tx, { communityId, id: batchId }, 'distributing', {
    from: ['completed'],
    set: { completedAt: null, updatedAt: now },
  });
  const relayIds = await deliveryRelayIds(tx, communityId, batch.deliveryId);
  if (relayIds.length > 0) {
    await transitionRelays(tx, { communityId, ids: relayIds }, 'distributing', {
      from: ['completed'],
      set: { updatedAt: now },
    });
  }
  return true;
}

/** The undo's own event (the check-off's stays), its audit row, and a word to the household. */
async function recordUndo(
  tx: Tx,
  ctx: AuthedContext,
  input: UndoCheckOffInput,
  r: { event: Event; bag: Bag; back: BagStatus; now: Date; batchReopened: boolean },
) {
  const { communityId } = input;
  await tx.insert(bagEvents).values({
    communityId,
    id: input.undoId,
    bagId: r.bag.id,
    actorUserId: ctx.user.id,
    outcome: 'undone',
    note: `undo:${r.event.id}`,
    fromStatus: 'delivered',
    toStatus: r.back,
    via: 'undo',
    clientAt: input.clientAt,
    receivedAt: r.now,
  });
  await writeAudit(tx, {
    communityId,
    actorUserId: ctx.user.id,
    action: 'bag.delivery_undone',
    entityType: 'bag',
    entityId: r.bag.id,
    before: { status: 'delivered', deliveredAt: r.bag.deliveredAt?.toISOString() ?? null },
    after: {
      status: r.back,
      checkoffId: r.event.id,
      undoId: input.undoId,
      clientAt: input.clientAt.toISOString(),
      batchReopened: r.batchReopened,
    },
  });
  const [relay] = await tx
    .select({ title: relays.title })
    .from(relays)
    .where(and(eq(relays.communityId, communityId), eq(relays.id, r.bag.relayId)));
  await notifyHouseholds(tx, communityId, [
    {
      householdId: r.bag.householdId,
      orderId: r.bag.orderId,
      kind: 'distribution.bag_delivery_undone',
      payload: { bagId: r.bag.id, relayTitle: relay?.title ?? '', href: `/r/${communityId}/bag` },
    },
  ]);
}
