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
import type { DbOrTx } from '@/db/client';
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
  const rows = await householdOrders(ctx.db, communityId, householdIds);
  const orderIds = rows.map((r) => r.orderId);
  const relayIds = [...new Set(rows.map((r) => r.relayId))];
  if (orderIds.length === 0) return { serverNow: ctx.now(), orders: [] };
  const details = await orderDetails(ctx.db, communityId, orderIds, relayIds);
  return { serverNow: ctx.now(), orders: rows.map((o) => householdBagView(o, details)) };
}

/** The household's latest bought orders in relays that have formed (or gone further). */
function householdOrders(db: DbOrTx, communityId: string, householdIds: string[]) {
  return db
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
}
type HouseholdOrder = Awaited<ReturnType<typeof householdOrders>>[number];

/** Everything the orders' stories need, read at once. */
async function orderDetails(db: DbOrTx, communityId: string, orderIds: string[], relayIds: string[]) {
  const [lines, bagRows, trips, refundRows, shortRows, problems] = await Promise.all([
    linesOf(db, communityId, orderIds),
    bagsOf(db, communityId, orderIds),
    tripsOf(db, communityId, relayIds),
    refundsOf(db, communityId, orderIds),
    db
      .select({ relayItemId: shortfalls.relayItemId, allocations: shortfalls.allocations })
      .from(shortfalls)
      .where(and(eq(shortfalls.communityId, communityId), inArray(shortfalls.relayId, relayIds))),
    problemsOf(db, communityId, orderIds),
  ]);
  const names = await userNames(
    db,
    bagRows.map((b) => b.deliveredBy),
  );
  const shortCodes = await shortCodesOf(db, communityId, orderIds);
  return {
    lines,
    refundRows,
    shortRows,
    problems,
    names,
    shortCodes,
    tripByRelay: new Map(trips.map((t) => [t.relayId, t])),
    bagByOrder: new Map(bagRows.map((b) => [b.orderId, b])),
  };
}
type OrderDetails = Awaited<ReturnType<typeof orderDetails>>;

function linesOf(db: DbOrTx, communityId: string, orderIds: string[]) {
  return db
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
    .orderBy(asc(relayItems.position));
}

function bagsOf(db: DbOrTx, communityId: string, orderIds: string[]) {
  return db
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
    .where(and(eq(bags.communityId, communityId), inArray(bags.orderId, orderIds)));
}
type BagRow = Awaited<ReturnType<typeof bagsOf>>[number];

/** The delivery trip that carried each relay. */
function tripsOf(db: DbOrTx, communityId: string, relayIds: string[]) {
  return db
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
    .where(and(eq(deliveryRelays.communityId, communityId), inArray(deliveryRelays.relayId, relayIds)));
}
type TripRow = Awaited<ReturnType<typeof tripsOf>>[number];

function refundsOf(db: DbOrTx, communityId: string, orderIds: string[]) {
  return db
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
    );
}

function problemsOf(db: DbOrTx, communityId: string, orderIds: string[]) {
  return db
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
    .orderBy(asc(problemReports.createdAt));
}

/** One order's story as the resident sees it. */
function householdBagView(o: HouseholdOrder, d: OrderDetails) {
  const bag = d.bagByOrder.get(o.orderId) ?? null;
  const trip = d.tripByRelay.get(o.relayId) ?? null;
  const orderLinesOf = d.lines.filter((l) => l.orderId === o.orderId);
  return {
    orderId: o.orderId,
    seq: o.seq,
    /** The label's 短码, to tell the volunteer which bag is ours (null before dispatch). */
    shortCode: d.shortCodes.get(o.orderId) ?? null,
    relayTitle: o.relayTitle,
    merchantName: o.merchantName,
    deliveryDate: o.deliveryDate,
    orderStatus: o.orderStatus,
    totalFen: o.totalFen,
    stage: bagStage(bag, trip),
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
    bag: bag ? bagView(bag, d.names) : null,
    shortfall: shortfallOf(o.orderId, d.shortRows, orderLinesOf),
    refunds: d.refundRows
      .filter((r) => r.orderId === o.orderId)
      .map((r) => ({ reason: r.reason, amountFen: r.amountFen, status: r.status })),
    problems: d.problems.filter((p) => p.orderId === o.orderId),
  };
}

/** How far the order has come: from its bag when it has one, else from its relay's trip. */
function bagStage(bag: BagRow | null, trip: TripRow | null): BagStage {
  if (!bag) return trip?.arrivedAt ? 'arrived' : trip ? 'dispatched' : 'waiting_dispatch';
  if (bag.status === 'delivered') return 'delivered';
  if (bag.status === 'exception') return 'exception';
  if (bag.status === 'refunded') return 'refunded';
  if (bag.batchStatus === 'received') return 'arrived';
  if (bag.batchStatus === 'disinfecting') return 'disinfecting';
  return 'released';
}

function bagView(bag: BagRow, names: Map<string, string>) {
  return {
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
  };
}

/** What the merchant could not deliver of this order, item by item. */
function shortfallOf(
  orderId: string,
  shortRows: OrderDetails['shortRows'],
  orderLinesOf: OrderDetails['lines'],
) {
  return shortRows
    .flatMap((s) =>
      s.allocations
        .filter((a) => a.orderId === orderId && a.shortQty > 0)
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
}
