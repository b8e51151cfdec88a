import { and, eq, inArray, like } from 'drizzle-orm';
import { z } from 'zod';
import { bags, orderLines, refunds, relays, shortfalls } from '@/db/schema';
import { executeRefunds, reserveRefund, type RefundRow } from '@/server/services/payment/refunds';
import { Id } from '@/server/services/shared/zod';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import type { Tx } from '@/db/client';
import { conflict, preconditionFailed } from '@/server/services/shared/errors';
import { advanceBatch } from './batch-progress';
import { publishDistribution } from './events';
import { DeliveredItems } from './fields';
import { notifyHouseholds, requireMerchantRelay } from './internal';
import { describeShort, validateDeliveredQty } from './rules';
import { planShortfall, shortfallRefundKey } from './shortfall-plan';
import { fenToYuan } from '@/server/services/shared/money';
import { transitionBag } from '@/server/services/distribution/lifecycle';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const SettleShortfallInput = z.object({
  merchantId: Id,
  communityId: Id,
  relayId: Id,
  items: DeliveredItems,
});
export type SettleShortfallInput = z.infer<typeof SettleShortfallInput>;

const SETTLEABLE = ['formed', 'dispatched', 'arrived', 'distributing', 'completed'] as const;

/**
 * The merchant records what was actually delivered per item (短缺结算). Shortages go to the last
 * joiners (first come, first served by 接龙号); each affected order gets ONE partial refund of
 * exactly the value not delivered, and its household is told line by line what changed.
 *
 * Exactly once: the relay row is locked, each item can be settled once (unique), and the refunds
 * are reserved in the same transaction under deterministic keys (`shortfall:<relay>:<order>`).
 * A second run — a retry or a racing double click — finds the settlement, changes nothing, and only
 * re-sends refunds still pending with the same keys (Stripe cannot refund twice under one key).
 */
type Plan = Awaited<ReturnType<typeof planShortfall>>;
type Step = { tx: Tx; communityId: string; relayId: string; userId: string; now: Date };
type Stored = {
  relayItemId: string;
  orderedQty: number;
  deliveredQty: number;
  allocations: unknown[];
};
type Outcome = { replayed: boolean; stored: Stored[]; refundRows: RefundRow[]; batchIds: string[] };

export async function settleShortfall({ ctx, input }: { ctx: ServiceContext; input: SettleShortfallInput }) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId, input.communityId);
  const user = ctx.user!;
  const { communityId } = relay;
  // Plain typing errors are refused before anything else, settled or not.
  input.items.forEach((d, i) =>
    validateDeliveredQty(d.deliveredQty, Number.MAX_SAFE_INTEGER, `items.${i}.deliveredQty`),
  );
  const now = ctx.now();

  const outcome = await inTransaction(ctx.db, async (tx): Promise<Outcome> => {
    const step: Step = { tx, communityId, relayId: relay.id, userId: user.id, now };
    const title = await lockSettleableRelay(step);
    const replay = await replayOfEarlierSettlement(step, input.items);
    if (replay) return replay;
    // Plan computed from the same transaction's snapshot under the relay lock: no order of this
    // relay can change underneath (joins and cancels end at cutoff, before formed).
    const plan = await planShortfall(tx, communityId, relay.id, input.items);
    await recordSettlement(step, plan);
    await recordFulfilledQuantities(step, plan);
    const { shortOrderIds, batchIds } = await markShortOrdersAndEmptyBags(step, plan);
    const refundRows = await reserveShortfallRefunds(step, plan);
    await notifyShortHouseholds(step, plan, title);
    await auditSettlement(step, plan, shortOrderIds.length);
    return { replayed: false, stored: storedItems(plan), refundRows, batchIds };
  });

  // Network calls after commit. Refunds still pending are finished by the refunds job with the same keys.
  const pending = outcome.refundRows.filter((r) => r.status === 'pending');
  const executed = pending.length ? await executeRefunds(ctx.database, pending) : [];
  const byId = new Map([...outcome.refundRows, ...executed].map((r) => [r.id, r]));
  if (!outcome.replayed) {
    await publishDistribution(ctx, communityId, [
      { kind: 'shortfall', relayId: relay.id },
      ...outcome.batchIds.map((batchId) => ({ kind: 'batch' as const, batchId })),
    ]);
  }
  const refundList = [...byId.values()];
  return {
    replayed: outcome.replayed,
    totalRefundFen: refundList.reduce((n, r) => n + r.amountFen, 0),
    households: refundList.length,
    items: outcome.stored.map((i) => ({
      relayItemId: i.relayItemId,
      orderedQty: i.orderedQty,
      deliveredQty: i.deliveredQty,
      shortQty: i.orderedQty - i.deliveredQty,
    })),
    refunds: refundList.map((r) => ({ orderId: r.orderId, amountFen: r.amountFen, status: r.status })),
  };
}

/** Locks the relay row (one settlement at a time) and refuses a relay not yet formed. */
async function lockSettleableRelay({ tx, communityId, relayId }: Step): Promise<string> {
  const [locked] = await tx
    .select({ status: relays.status, title: relays.title })
    .from(relays)
    .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)))
    .for('update');
  if (!locked || !(SETTLEABLE as readonly string[]).includes(locked.status)) {
    throw preconditionFailed(
      'RELAY_NOT_FORMED',
      '只有已成团的接龙才能结算短缺 / Only a formed relay can be settled.',
    );
  }
  return locked.title;
}

/**
 * Already settled: the same quantities again is a replay (the stored settlement and its refunds),
 * anything else a conflicting second settlement. Null when nothing is settled yet.
 */
async function replayOfEarlierSettlement(
  { tx, communityId, relayId }: Step,
  items: SettleShortfallInput['items'],
): Promise<Outcome | null> {
  const existing = await tx
    .select()
    .from(shortfalls)
    .where(and(eq(shortfalls.communityId, communityId), eq(shortfalls.relayId, relayId)));
  if (existing.length === 0) return null;
  const same =
    items.every((d) =>
      existing.some((e) => e.relayItemId === d.relayItemId && e.deliveredQty === d.deliveredQty),
    ) &&
    existing.every(
      (e) => items.some((d) => d.relayItemId === e.relayItemId) || e.deliveredQty === e.orderedQty,
    );
  if (!same) {
    throw conflict(
      'SHORTFALL_ALREADY_SETTLED',
      '这个接龙的短缺已经结算过了 / This relay has already been settled.',
    );
  }
  const rows = await tx
    .select()
    .from(refunds)
    .where(
      and(
        eq(refunds.communityId, communityId),
        like(refunds.idempotencyKey, `${shortfallRefundKey(relayId, '')}%`),
      ),
    );
  return { replayed: true, stored: existing, refundRows: rows, batchIds: [] };
}

/** One shortfalls row per item (unique per item: the settlement happens once). */
async function recordSettlement({ tx, communityId, relayId, userId }: Step, plan: Plan) {
  await tx.insert(shortfalls).values(
    plan.items.map((i) => ({
      communityId,
      relayId,
      relayItemId: i.relayItemId,
      orderedQty: i.orderedQty,
      deliveredQty: i.deliveredQty,
      unitPriceFen: i.unitPriceFen,
      allocations: i.allocations
        .filter((a) => a.shortQty > 0)
        .map(({ orderId, seq, householdId, orderedQty, fulfilledQty, shortQty, refundFen }) => ({
          orderId,
          seq,
          householdId,
          orderedQty,
          fulfilledQty,
          shortQty,
          refundFen,
        })),
      recordedBy: userId,
    })),
  );
}

async function recordFulfilledQuantities({ tx, communityId }: Step, plan: Plan) {
  for (const item of plan.items) {
    const full = item.allocations.filter((a) => a.shortQty === 0).map((a) => a.orderLineId);
    if (full.length > 0) {
      await tx
        .update(orderLines)
        .set({ fulfilledQty: orderLines.qty })
        .where(and(eq(orderLines.communityId, communityId), inArray(orderLines.id, full)));
    }
    for (const a of item.allocations.filter((x) => x.shortQty > 0)) {
      await tx
        .update(orderLines)
        .set({ fulfilledQty: a.fulfilledQty })
        .where(and(eq(orderLines.communityId, communityId), eq(orderLines.id, a.orderLineId)));
    }
  }
}

/**
 * Orders that go short become `short`; an order that gets nothing at all has no bag to carry, so
 * its bag (if already at the gate) is refunded and its batch may complete.
 */
async function markShortOrdersAndEmptyBags({ tx, communityId, now }: Step, plan: Plan) {
  const shortOrderIds = plan.refunds.map((r) => r.orderId);
  const shortQtyOrders = [
    ...new Set(plan.items.flatMap((i) => i.allocations.filter((a) => a.shortQty > 0).map((a) => a.orderId))),
  ];
  if (shortQtyOrders.length > 0) {
    await transitionOrders(tx, { communityId, ids: shortQtyOrders }, 'short', {
      from: ['paid', 'fulfilled'],
      set: { updatedAt: now },
    });
  }
  const nothingLeft = shortQtyOrders.filter((orderId) =>
    plan.items.every((i) => {
      const a = i.allocations.find((x) => x.orderId === orderId);
      return !a || a.fulfilledQty === 0;
    }),
  );
  const batchIds: string[] = [];
  if (nothingLeft.length > 0) {
    const emptied = await transitionBag(
      tx,
      { communityId, matching: inArray(bags.orderId, nothingLeft) },
      'refunded',
      {
        from: ['pending', 'exception'],
        set: { updatedAt: now },
      },
    ).returning({ batchId: bags.batchId });
    for (const b of new Set(emptied.map((e) => e.batchId))) {
      await advanceBatch(tx, communityId, b, now);
      batchIds.push(b);
    }
  }
  return { shortOrderIds, batchIds };
}

/** One partial refund per short order, reserved in this transaction under its deterministic key. */
async function reserveShortfallRefunds({ tx, communityId, relayId, userId }: Step, plan: Plan) {
  const refundRows: RefundRow[] = [];
  for (const r of plan.refunds) {
    const { refund } = await reserveRefund(tx, {
      communityId,
      orderId: r.orderId,
      amountFen: r.amountFen,
      reason: 'shortfall',
      idempotencyKey: shortfallRefundKey(relayId, r.orderId),
      requestedBy: userId,
      lines: r.lines,
    });
    refundRows.push(refund);
  }
  return refundRows;
}

/** Each short household is told line by line what changed and what comes back. */
async function notifyShortHouseholds({ tx, communityId, relayId }: Step, plan: Plan, title: string) {
  const shortLines = (orderId: string) =>
    plan.items.flatMap((i) =>
      i.allocations.filter((a) => a.orderId === orderId && a.shortQty > 0).map((a) => ({ item: i, a })),
    );
  await notifyHouseholds(
    tx,
    communityId,
    plan.refunds.map((r) => ({
      householdId: r.householdId,
      orderId: r.orderId,
      kind: 'distribution.shortfall',
      payload: {
        relayId,
        relayTitle: title,
        seq: r.seq,
        refundFen: r.amountFen,
        refundYuan: fenToYuan(r.amountFen),
        items: describeShort(
          shortLines(r.orderId).map(({ item, a }) => ({
            name: item.name,
            unit: item.unit,
            shortQty: a.shortQty,
          })),
        ),
        href: `/r/${communityId}/bag`,
        lines: shortLines(r.orderId).map(({ item, a }) => ({
          name: item.name,
          unit: item.unit,
          orderedQty: a.orderedQty,
          deliveredQty: a.fulfilledQty,
          shortQty: a.shortQty,
          refundFen: a.refundFen,
        })),
      },
    })),
  );
}

async function auditSettlement({ tx, communityId, relayId, userId }: Step, plan: Plan, shortOrders: number) {
  await writeAudit(tx, {
    communityId,
    actorUserId: userId,
    action: 'relay.shortfall_settled',
    entityType: 'relay',
    entityId: relayId,
    after: {
      items: plan.items.map((i) => ({
        relayItemId: i.relayItemId,
        ordered: i.orderedQty,
        delivered: i.deliveredQty,
      })),
      refunds: plan.refunds.map((r) => ({ orderId: r.orderId, seq: r.seq, amountFen: r.amountFen })),
      totalRefundFen: plan.totalRefundFen,
      ordersShortOrEmptied: shortOrders,
    },
  });
}

function storedItems(plan: Plan): Stored[] {
  return plan.items.map((i) => ({
    relayItemId: i.relayItemId,
    orderedQty: i.orderedQty,
    deliveredQty: i.deliveredQty,
    allocations: i.allocations.filter((a) => a.shortQty > 0),
  }));
}
