import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import {
  bags,
  batches,
  deliveries,
  deliveryRelays,
  merchants,
  orderLines,
  orders,
  problemReports,
  refunds,
  relayItems,
  relays,
  shortfalls,
} from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { LIVE_ORDER_STATUSES, userNames } from './internal';
import { releasableAt } from './rules';
import { shortCodesOf } from './bag-short-codes';
import { maskName } from '@/server/services/shared/privacy';

export const GetHouseholdBagsInput = z.object({ communityId: CommunityId });
export type GetHouseholdBagsInput = z.infer<typeof GetHouseholdBagsInput>;

export type BagStage =
  | 'waiting_dispatch'
  | 'dispatched'
  | 'arrived'
  | 'disinfecting'
  | 'released'
  | 'delivered'
  | 'exception'
  | 'refunded';

/**
 * "Where is my bag?" for a resident: each bought order of the household in a formed relay, with
 * every step it has passed (dispatched, at the gate, disinfecting since, released, delivered at …
 * by …), what the merchant could not deliver and what was refunded.
 */
export async function getHouseholdBags({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetHouseholdBagsInput;
}) {
  const mine = await requireRole(ctx, input.communityId, ['resident']);
  const { communityId } = input;
  const householdIds = mine.flatMap((m) => (m.householdId ? [m.householdId] : []));
  if (householdIds.length === 0) return { serverNow: ctx.now(), orders: [] };

  const rows = await ctx.db
    .select({
      orderId: orders.id,
      householdId: orders.householdId,
      seq: orders.seq,
      orderStatus: orders.status,
      totalFen: orders.totalFen,
      paidAt: orders.paidAt,
      relayId: relays.id,
      relayTitle: relays.title,
      relayStatus: relays.status,
      deliveryDate: relays.deliveryDate,
      merchantId: relays.merchantId,
      merchantName: merchants.displayName,
    })
    .from(orders)
    .innerJoin(relays, and(eq(relays.communityId, orders.communityId), eq(relays.id, orders.relayId)))
    .innerJoin(merchants, eq(merchants.id, relays.merchantId))
    .where(
      and(
        eq(orders.communityId, communityId),
        inArray(orders.householdId, householdIds),
        inArray(orders.status, [...LIVE_ORDER_STATUSES]),
        inArray(relays.status, ['formed', 'dispatched', 'arrived', 'distributing', 'completed']),
      ),
    )
    .orderBy(desc(relays.deliveryDate), desc(orders.createdAt))
    .limit(20);
  const orderIds = rows.map((r) => r.orderId);
  const relayIds = [...new Set(rows.map((r) => r.relayId))];
  if (orderIds.length === 0) return { serverNow: ctx.now(), orders: [] };

  const [lines, bagRows, trips, refundRows, shortRows, problems] = await Promise.all([
    ctx.db
      .select({
        orderId: orderLines.orderId,
        relayItemId: orderLines.relayItemId,
        name: relayItems.name,
        spec: relayItems.spec,
        unit: relayItems.unit,
        qty: orderLines.qty,
        fulfilledQty: orderLines.fulfilledQty,
        unitPriceFen: orderLines.unitPriceFen,
      })
      .from(orderLines)
      .innerJoin(
        relayItems,
        and(eq(relayItems.communityId, orderLines.communityId), eq(relayItems.id, orderLines.relayItemId)),
      )
      .where(and(eq(orderLines.communityId, communityId), inArray(orderLines.orderId, orderIds)))
      .orderBy(asc(relayItems.position)),
    ctx.db
      .select({
        orderId: bags.orderId,
        bagId: bags.id,
        status: bags.status,
        deliveredAt: bags.deliveredAt,
        deliveredBy: bags.deliveredBy,
        exceptionKind: bags.exceptionKind,
        exceptionAt: bags.exceptionAt,
        confirmedAt: bags.confirmedAt,
        batchStatus: batches.status,
        receivedAt: batches.receivedAt,
        disinfectionStartedAt: batches.disinfectionStartedAt,
        dwellSeconds: batches.dwellSeconds,
        releasedAt: batches.releasedAt,
        agent: batches.disinfectionAgent,
      })
      .from(bags)
      .innerJoin(batches, and(eq(batches.communityId, bags.communityId), eq(batches.id, bags.batchId)))
      .where(and(eq(bags.communityId, communityId), inArray(bags.orderId, orderIds))),
    ctx.db
      .select({
        relayId: deliveryRelays.relayId,
        dispatchedAt: deliveries.dispatchedAt,
        eta: deliveries.eta,
        arrivedAt: deliveries.arrivedAt,
      })
      .from(deliveryRelays)
      .innerJoin(
        deliveries,
        and(
          eq(deliveries.communityId, deliveryRelays.communityId),
          eq(deliveries.id, deliveryRelays.deliveryId),
        ),
      )
      .where(and(eq(deliveryRelays.communityId, communityId), inArray(deliveryRelays.relayId, relayIds))),
    ctx.db
      .select({
        orderId: refunds.orderId,
        reason: refunds.reason,
        amountFen: refunds.amountFen,
        status: refunds.status,
      })
      .from(refunds)
      .where(
        and(
          eq(refunds.communityId, communityId),
          inArray(refunds.orderId, orderIds),
          ne(refunds.status, 'failed'),
        ),
      ),
    ctx.db
      .select({ relayItemId: shortfalls.relayItemId, allocations: shortfalls.allocations })
      .from(shortfalls)
      .where(and(eq(shortfalls.communityId, communityId), inArray(shortfalls.relayId, relayIds))),
    ctx.db
      .select({
        id: problemReports.id,
        orderId: problemReports.orderId,
        kind: problemReports.kind,
        relayItemId: problemReports.relayItemId,
        qty: problemReports.qty,
        description: problemReports.description,
        status: problemReports.status,
        refundFen: problemReports.refundFen,
        decisionNote: problemReports.decisionNote,
        photoKey: problemReports.photoKey,
        createdAt: problemReports.createdAt,
      })
      .from(problemReports)
      .where(and(eq(problemReports.communityId, communityId), inArray(problemReports.orderId, orderIds)))
      .orderBy(asc(problemReports.createdAt)),
  ]);
  const names = await userNames(
    ctx.db,
    bagRows.map((b) => b.deliveredBy),
  );
  const shortCodes = await shortCodesOf(ctx.db, communityId, orderIds);
  const tripByRelay = new Map(trips.map((t) => [t.relayId, t]));
  const bagByOrder = new Map(bagRows.map((b) => [b.orderId, b]));

  return {
    serverNow: ctx.now(),
    orders: rows.map((o) => {
      const bag = bagByOrder.get(o.orderId) ?? null;
      const trip = tripByRelay.get(o.relayId) ?? null;
      const orderLinesOf = lines.filter((l) => l.orderId === o.orderId);
      const short = shortRows
        .flatMap((s) =>
          s.allocations
            .filter((a) => a.orderId === o.orderId && a.shortQty > 0)
            .map((a) => ({ ...a, relayItemId: s.relayItemId })),
        )
        .map((a) => {
          const line = orderLinesOf.find((l) => l.relayItemId === a.relayItemId);
          return {
            name: line?.name ?? '',
            unit: line?.unit ?? '',
            orderedQty: a.orderedQty,
            deliveredQty: a.fulfilledQty,
            shortQty: a.shortQty,
            refundFen: a.refundFen,
          };
        });
      const stage: BagStage = bag
        ? bag.status === 'delivered'
          ? 'delivered'
          : bag.status === 'exception'
            ? 'exception'
            : bag.status === 'refunded'
              ? 'refunded'
              : bag.batchStatus === 'received'
                ? 'arrived'
                : bag.batchStatus === 'disinfecting'
                  ? 'disinfecting'
                  : 'released'
        : trip?.arrivedAt
          ? 'arrived'
          : trip
            ? 'dispatched'
            : 'waiting_dispatch';
      return {
        orderId: o.orderId,
        seq: o.seq,
        /** The label's 短码, to tell the volunteer which bag is ours (null before dispatch). */
        shortCode: shortCodes.get(o.orderId) ?? null,
        relayTitle: o.relayTitle,
        merchantName: o.merchantName,
        deliveryDate: o.deliveryDate,
        orderStatus: o.orderStatus,
        totalFen: o.totalFen,
        stage,
        items: orderLinesOf.map((l) => ({
          relayItemId: l.relayItemId,
          name: l.name,
          spec: l.spec,
          unit: l.unit,
          qty: l.qty,
          deliveredQty: l.fulfilledQty ?? l.qty,
          unitPriceFen: l.unitPriceFen,
        })),
        trip: trip ? { dispatchedAt: trip.dispatchedAt, eta: trip.eta, arrivedAt: trip.arrivedAt } : null,
        bag: bag
          ? {
              bagId: bag.bagId,
              status: bag.status,
              receivedAt: bag.receivedAt,
              disinfectionStartedAt: bag.disinfectionStartedAt,
              agent: bag.agent,
              releasableAt:
                bag.disinfectionStartedAt && bag.dwellSeconds != null
                  ? releasableAt(bag.disinfectionStartedAt, bag.dwellSeconds)
                  : null,
              releasedAt: bag.releasedAt,
              deliveredAt: bag.deliveredAt,
              deliveredBy: bag.deliveredBy ? maskName(names.get(bag.deliveredBy)) : null,
              exceptionKind: bag.exceptionKind,
              exceptionAt: bag.exceptionAt,
              confirmedAt: bag.confirmedAt,
            }
          : null,
        shortfall: short,
        refunds: refundRows
          .filter((r) => r.orderId === o.orderId)
          .map((r) => ({ reason: r.reason, amountFen: r.amountFen, status: r.status })),
        problems: problems.filter((p) => p.orderId === o.orderId),
      };
    }),
  };
}
