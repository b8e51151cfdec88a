import { and, asc, eq, inArray, like, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  bags,
  batches,
  communities,
  deliveries,
  deliveryRelays,
  merchants,
  orderLines,
  orders,
  problemReports,
  refunds,
  relayItems,
  shortfalls,
} from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { householdLabels, LIVE_ORDER_STATUSES, requireMerchantRelay } from './internal';
import { releasableAt } from './rules';
import { shortfallRefundKey } from './shortfall-plan';
import { relayCashLedger } from '@/server/services/payment/cash';

/** `communityId` comes from the page URL (`?c=`): every read of the view names its compound. */
export const GetRelayDeliveryInput = z.object({ merchantId: Id, communityId: Id, relayId: Id });
export type GetRelayDeliveryInput = z.infer<typeof GetRelayDeliveryInput>;

type MerchantRelay = Awaited<ReturnType<typeof requireMerchantRelay>>;
type Db = ServiceContext['db'];

/**
 * The merchant's page for one relay's delivery: dispatch, how far the truck's batch got, bags with
 * exceptions, the shortfall settlement and residents' problem reports.
 */
export async function getRelayDelivery({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetRelayDeliveryInput;
}) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId, input.communityId);
  const { communityId } = relay;
  const [head, ordered, bagCounts, exceptionRows, problemRows, cash] = await Promise.all([
    loadHead(ctx.db, relay),
    orderedByItem(ctx.db, relay),
    countBags(ctx.db, relay),
    loadExceptions(ctx.db, relay),
    loadProblems(ctx.db, relay),
    relayCashLedger(ctx.db, communityId, relay.id),
  ]);
  const labels = await householdLabels(ctx.db, communityId, [
    ...exceptionRows.map((e) => e.householdId),
    ...problemRows.map((p) => p.householdId),
  ]);
  const label = (householdId: string) => {
    const l = labels.get(householdId);
    return l ? { building: l.building, stairwell: l.stairwell, room: l.room } : null;
  };
  const itemById = new Map(head.items.map((i) => [i.relayItemId, i]));
  const problemLines = await loadProblemLines(
    ctx.db,
    communityId,
    problemRows.map((p) => p.reportId),
  );
  return {
    serverNow: ctx.now(),
    relay: {
      id: relay.id,
      title: relay.title,
      status: relay.status,
      communityId,
      communityName: head.communityName,
      deliveryDate: relay.deliveryDate,
    },
    defaults: head.defaults,
    items: head.items.map((i) => ({ ...i, orderedQty: ordered.get(i.relayItemId) ?? 0 })),
    delivery: tripView(head.trip),
    batch: batchView(head.trip),
    bags: bagCounts,
    /** 货到付款: cash held by each volunteer, and cash still to collect. */
    cash,
    exceptions: exceptionRows.map((e) => ({ ...e, household: label(e.householdId), householdId: undefined })),
    shortfall: shortfallView(head, itemById),
    problems: problemRows.map((p) => {
      const line = problemLines.find((l) => l.orderId === p.orderId && l.relayItemId === p.relayItemId);
      return {
        ...p,
        household: label(p.householdId),
        householdId: undefined,
        itemName: p.relayItemId ? (itemById.get(p.relayItemId)?.name ?? '') : null,
        suggestedRefundFen: line && p.qty ? line.unitPriceFen * p.qty : null,
      };
    }),
  };
}

/** The compound's name, the merchant's truck defaults, the items, the trip, the shortfall and its refunds. */
async function loadHead(db: Db, relay: MerchantRelay) {
  const { communityId } = relay;
  const [[community], [merchant], items, trip, shortRows, refundRows] = await Promise.all([
    db.select({ name: communities.name }).from(communities).where(eq(communities.id, communityId)),
    db
      .select({
        vehiclePlate: merchants.vehiclePlate,
        driverName: merchants.driverName,
        driverPhone: merchants.driverPhone,
      })
      .from(merchants)
      .where(eq(merchants.id, relay.merchantId)),
    db
      .select({
        relayItemId: relayItems.id,
        name: relayItems.name,
        spec: relayItems.spec,
        unit: relayItems.unit,
        unitPriceFen: relayItems.unitPriceFen,
      })
      .from(relayItems)
      .where(and(eq(relayItems.communityId, communityId), eq(relayItems.relayId, relay.id)))
      .orderBy(asc(relayItems.position), asc(relayItems.createdAt)),
    db
      .select({ d: deliveries, b: batches })
      .from(deliveryRelays)
      .innerJoin(
        deliveries,
        and(
          eq(deliveries.communityId, deliveryRelays.communityId),
          eq(deliveries.id, deliveryRelays.deliveryId),
        ),
      )
      .leftJoin(
        batches,
        and(eq(batches.communityId, deliveries.communityId), eq(batches.deliveryId, deliveries.id)),
      )
      .where(and(eq(deliveryRelays.communityId, communityId), eq(deliveryRelays.relayId, relay.id))),
    db
      .select()
      .from(shortfalls)
      .where(and(eq(shortfalls.communityId, communityId), eq(shortfalls.relayId, relay.id))),
    db
      .select({ orderId: refunds.orderId, amountFen: refunds.amountFen, status: refunds.status })
      .from(refunds)
      .where(
        and(
          eq(refunds.communityId, communityId),
          like(refunds.idempotencyKey, `${shortfallRefundKey(relay.id, '')}%`),
          ne(refunds.status, 'failed'),
        ),
      ),
  ]);
  return {
    communityName: community?.name ?? '',
    defaults: {
      vehiclePlate: merchant?.vehiclePlate ?? '',
      driverName: merchant?.driverName ?? '',
      driverPhone: merchant?.driverPhone ?? '',
    },
    items,
    trip: trip[0] ?? null,
    shortRows,
    refundRows,
  };
}
type Head = Awaited<ReturnType<typeof loadHead>>;

/** What households bought, less bags already refunded whole (the same count the settlement uses). */
async function orderedByItem(db: Db, relay: MerchantRelay): Promise<Map<string, number>> {
  const rows = await db
    .select({ relayItemId: orderLines.relayItemId, qty: sql<number>`sum(${orderLines.qty})::int` })
    .from(orderLines)
    .innerJoin(orders, and(eq(orders.communityId, orderLines.communityId), eq(orders.id, orderLines.orderId)))
    .where(
      and(
        eq(orderLines.communityId, relay.communityId),
        eq(orders.relayId, relay.id),
        inArray(orders.status, [...LIVE_ORDER_STATUSES]),
        sql`not exists (select 1 from ${bags} b where b.community_id = ${orders.communityId} and b.order_id = ${orders.id} and b.status = 'refunded')`,
      ),
    )
    .groupBy(orderLines.relayItemId);
  return new Map(rows.map((r) => [r.relayItemId, Number(r.qty)]));
}

async function countBags(db: Db, relay: MerchantRelay) {
  const counts = { total: 0, pending: 0, delivered: 0, exception: 0, refunded: 0 };
  const rows = await db
    .select({ status: bags.status, n: sql<number>`count(*)::int` })
    .from(bags)
    .where(and(eq(bags.communityId, relay.communityId), eq(bags.relayId, relay.id)))
    .groupBy(bags.status);
  for (const c of rows) {
    counts[c.status] += Number(c.n);
    counts.total += Number(c.n);
  }
  return counts;
}

function loadExceptions(db: Db, relay: MerchantRelay) {
  return db
    .select({
      bagId: bags.id,
      householdId: bags.householdId,
      seq: orders.seq,
      exceptionKind: bags.exceptionKind,
      exceptionNote: bags.exceptionNote,
      exceptionAt: bags.exceptionAt,
      photoKey: bags.photoKey,
    })
    .from(bags)
    .innerJoin(orders, and(eq(orders.communityId, bags.communityId), eq(orders.id, bags.orderId)))
    .where(
      and(eq(bags.communityId, relay.communityId), eq(bags.relayId, relay.id), eq(bags.status, 'exception')),
    )
    .orderBy(asc(orders.seq));
}

function loadProblems(db: Db, relay: MerchantRelay) {
  return db
    .select({
      reportId: problemReports.id,
      orderId: problemReports.orderId,
      householdId: problemReports.householdId,
      seq: orders.seq,
      kind: problemReports.kind,
      relayItemId: problemReports.relayItemId,
      qty: problemReports.qty,
      description: problemReports.description,
      status: problemReports.status,
      refundFen: problemReports.refundFen,
      decisionNote: problemReports.decisionNote,
      createdAt: problemReports.createdAt,
      photoKey: problemReports.photoKey,
    })
    .from(problemReports)
    .innerJoin(
      orders,
      and(eq(orders.communityId, problemReports.communityId), eq(orders.id, problemReports.orderId)),
    )
    .where(and(eq(problemReports.communityId, relay.communityId), eq(orders.relayId, relay.id)))
    .orderBy(asc(problemReports.createdAt));
}

/** The order lines the problem reports name, for the suggested refund. */
async function loadProblemLines(db: Db, communityId: string, reportIds: string[]) {
  if (reportIds.length === 0) return [];
  return db
    .select({
      orderId: orderLines.orderId,
      relayItemId: orderLines.relayItemId,
      unitPriceFen: orderLines.unitPriceFen,
    })
    .from(orderLines)
    .innerJoin(
      problemReports,
      and(
        eq(problemReports.communityId, orderLines.communityId),
        eq(problemReports.orderId, orderLines.orderId),
      ),
    )
    .where(and(eq(orderLines.communityId, communityId), inArray(problemReports.id, reportIds)));
}

function tripView(trip: Head['trip']) {
  const d = trip?.d;
  if (!d) return null;
  return {
    deliveryId: d.id,
    status: d.status,
    eta: d.eta,
    vehiclePlate: d.vehiclePlate,
    driverName: d.driverName,
    dispatchedAt: d.dispatchedAt,
    arrivedAt: d.arrivedAt,
    packageCount: d.packageCount,
    receivedByName: d.receivedByName,
    remarks: d.remarks,
  };
}

function batchView(trip: Head['trip']) {
  const b = trip?.b;
  if (!b) return null;
  return {
    batchId: b.id,
    status: b.status,
    receivedAt: b.receivedAt,
    disinfectionStartedAt: b.disinfectionStartedAt,
    agent: b.disinfectionAgent,
    concentration: b.concentration,
    method: b.method,
    releasableAt:
      b.disinfectionStartedAt && b.dwellSeconds != null
        ? releasableAt(b.disinfectionStartedAt, b.dwellSeconds)
        : null,
    releasedAt: b.releasedAt,
    completedAt: b.completedAt,
  };
}

function shortfallView(head: Head, itemById: Map<string, Head['items'][number]>) {
  const { shortRows, refundRows } = head;
  if (shortRows.length === 0) return null;
  return {
    settledAt: shortRows[0]!.createdAt,
    items: shortRows.map((s) => ({
      relayItemId: s.relayItemId,
      name: itemById.get(s.relayItemId)?.name ?? '',
      unit: itemById.get(s.relayItemId)?.unit ?? '',
      orderedQty: s.orderedQty,
      deliveredQty: s.deliveredQty,
      shortQty: s.orderedQty - s.deliveredQty,
      refundFen: s.allocations.reduce((n, a) => n + a.refundFen, 0),
      households: s.allocations.filter((a) => a.shortQty > 0).length,
    })),
    refunds: refundRows,
    totalRefundFen: refundRows.reduce((n, r) => n + r.amountFen, 0),
  };
}
