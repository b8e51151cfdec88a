import { and, eq, inArray, like } from 'drizzle-orm';
import { z } from 'zod';
import { bags, orderLines, refunds, relays, shortfalls } from '@/db/schema';
import { executeRefunds, reserveRefund, type RefundRow } from '@/server/services/payment/refunds';
import { Id } from '@/server/services/shared/zod';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
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

export const SettleShortfallInput = z.object({ merchantId: Id, relayId: Id, items: DeliveredItems });
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
export async function settleShortfall({ ctx, input }: { ctx: ServiceContext; input: SettleShortfallInput }) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId);
  const user = ctx.user!;
  const { communityId } = relay;
  // Plain typing errors are refused before anything else, settled or not.
  input.items.forEach((d, i) =>
    validateDeliveredQty(d.deliveredQty, Number.MAX_SAFE_INTEGER, `items.${i}.deliveredQty`),
  );
  const now = ctx.now();

  const outcome = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ status: relays.status, title: relays.title })
      .from(relays)
      .where(and(eq(relays.communityId, communityId), eq(relays.id, relay.id)))
      .for('update');
    if (!locked || !(SETTLEABLE as readonly string[]).includes(locked.status)) {
      throw preconditionFailed(
        'RELAY_NOT_FORMED',
        '只有已成团的接龙才能结算短缺 / Only a formed relay can be settled.',
      );
    }
    const existing = await tx
      .select()
      .from(shortfalls)
      .where(and(eq(shortfalls.communityId, communityId), eq(shortfalls.relayId, relay.id)));
    if (existing.length > 0) {
      // Already settled: the same quantities again is a replay, anything else a conflicting second settlement.
      const same =
        input.items.every((d) =>
          existing.some((e) => e.relayItemId === d.relayItemId && e.deliveredQty === d.deliveredQty),
        ) &&
        existing.every(
          (e) => input.items.some((d) => d.relayItemId === e.relayItemId) || e.deliveredQty === e.orderedQty,
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
            like(refunds.idempotencyKey, `${shortfallRefundKey(relay.id, '')}%`),
          ),
        );
      return { replayed: true, stored: existing, refundRows: rows, batchIds: [] as string[] };
    }
    const plan = await planShortfall(tx, communityId, relay.id, input.items);

    // Plan was computed from the same transaction's snapshot under the relay lock: no order of
    // this relay can change underneath (joins and cancels end at cutoff, before formed).
    await tx.insert(shortfalls).values(
      plan.items.map((i) => ({
        communityId,
        relayId: relay.id,
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
        recordedBy: user.id,
      })),
    );
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
    const shortOrderIds = plan.refunds.map((r) => r.orderId);
    const shortQtyOrders = [
      ...new Set(
        plan.items.flatMap((i) => i.allocations.filter((a) => a.shortQty > 0).map((a) => a.orderId)),
      ),
    ];
    if (shortQtyOrders.length > 0) {
      await transitionOrders(tx, { communityId, ids: shortQtyOrders }, 'short', {
        from: ['paid', 'fulfilled'],
        set: { updatedAt: now },
      });
    }
    // An order that gets nothing at all has no bag to carry: its bag (if already at the gate) is refunded.
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

    const refundRows: RefundRow[] = [];
    for (const r of plan.refunds) {
      const { refund } = await reserveRefund(tx, {
        communityId,
        orderId: r.orderId,
        amountFen: r.amountFen,
        reason: 'shortfall',
        idempotencyKey: shortfallRefundKey(relay.id, r.orderId),
        requestedBy: user.id,
        lines: r.lines,
      });
      refundRows.push(refund);
    }

    await notifyHouseholds(
      tx,
      communityId,
      plan.refunds.map((r) => ({
        householdId: r.householdId,
        orderId: r.orderId,
        kind: 'distribution.shortfall',
        payload: {
          relayId: relay.id,
          relayTitle: locked.title,
          seq: r.seq,
          refundFen: r.amountFen,
          refundYuan: fenToYuan(r.amountFen),
          items: describeShort(
            plan.items.flatMap((i) =>
              i.allocations
                .filter((a) => a.orderId === r.orderId && a.shortQty > 0)
                .map((a) => ({ name: i.name, unit: i.unit, shortQty: a.shortQty })),
            ),
          ),
          href: `/r/${communityId}/bag`,
          lines: plan.items.flatMap((i) =>
            i.allocations
              .filter((a) => a.orderId === r.orderId && a.shortQty > 0)
              .map((a) => ({
                name: i.name,
                unit: i.unit,
                orderedQty: a.orderedQty,
                deliveredQty: a.fulfilledQty,
                shortQty: a.shortQty,
                refundFen: a.refundFen,
              })),
          ),
        },
      })),
    );
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'relay.shortfall_settled',
      entityType: 'relay',
      entityId: relay.id,
      after: {
        items: plan.items.map((i) => ({
          relayItemId: i.relayItemId,
          ordered: i.orderedQty,
          delivered: i.deliveredQty,
        })),
        refunds: plan.refunds.map((r) => ({ orderId: r.orderId, seq: r.seq, amountFen: r.amountFen })),
        totalRefundFen: plan.totalRefundFen,
        ordersShortOrEmptied: shortOrderIds.length,
      },
    });
    return {
      replayed: false,
      stored: plan.items.map((i) => ({
        relayItemId: i.relayItemId,
        orderedQty: i.orderedQty,
        deliveredQty: i.deliveredQty,
        allocations: i.allocations.filter((a) => a.shortQty > 0),
      })),
      refundRows,
      batchIds,
    };
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
