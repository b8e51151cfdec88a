import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { bags, orderLines, orders, relayItems } from '@/db/schema';
import { badRequest } from '@/server/services/shared/errors';
import { LIVE_ORDER_STATUSES } from './internal';
import {
  allocateShortfall,
  orderedTotal,
  validateDeliveredQty,
  type LineAllocation,
  type ShortfallLine,
} from './rules';

type DeliveredQtyInput = { relayItemId: string; deliveredQty: number };

export type PlannedItem = {
  relayItemId: string;
  name: string;
  spec: string;
  unit: string;
  unitPriceFen: number;
  orderedQty: number;
  deliveredQty: number;
  allocations: (LineAllocation & { orderLineId: string })[];
};

export type PlannedRefund = {
  orderId: string;
  householdId: string;
  seq: number;
  amountFen: number;
  lines: { orderLineId: string; amountFen: number }[];
};

/**
 * Works out a relay's settlement from what the merchant delivered per item: who goes short (by
 * 接龙号) and the one refund each affected order gets. Items not listed count as delivered in full.
 * Reads only; `settleShortfall` writes it, `previewShortfall` shows it.
 */
export async function planShortfall(
  db: DbOrTx,
  communityId: string,
  relayId: string,
  input: DeliveredQtyInput[],
) {
  const items = await relayItemsOf(db, communityId, relayId);
  requireListedOnce(input, new Set(items.map((i) => i.id)));
  const lineRows = items.length ? await sharingLines(db, communityId, relayId) : [];
  const planned = items.map((item) => planItem(item, lineRows, input));
  const refunds = refundsOf(planned);
  const totalRefundFen = refunds.reduce((n, r) => n + r.amountFen, 0);
  return { items: planned, refunds: refunds.sort((a, b) => a.seq - b.seq), totalRefundFen };
}

function relayItemsOf(db: DbOrTx, communityId: string, relayId: string) {
  return db
    .select({
      id: relayItems.id,
      name: relayItems.name,
      spec: relayItems.spec,
      unit: relayItems.unit,
      unitPriceFen: relayItems.unitPriceFen,
    })
    .from(relayItems)
    .where(and(eq(relayItems.communityId, communityId), eq(relayItems.relayId, relayId)))
    .orderBy(asc(relayItems.position), asc(relayItems.createdAt));
}
type RelayItemRow = Awaited<ReturnType<typeof relayItemsOf>>[number];

/** Each listed item is the relay's, and listed once. */
function requireListedOnce(input: DeliveredQtyInput[], known: Set<string>) {
  const seen = new Set<string>();
  input.forEach((d, i) => {
    if (!known.has(d.relayItemId)) {
      throw badRequest('ITEM_NOT_IN_RELAY', '该商品不在这个接龙里 / This item is not part of this relay.', {
        field: `items.${i}.relayItemId`,
      });
    }
    if (seen.has(d.relayItemId)) {
      throw badRequest('ITEM_LISTED_TWICE', '同一商品填了两次 / The same item is listed twice.', {
        field: `items.${i}.relayItemId`,
      });
    }
    seen.add(d.relayItemId);
  });
}

/** The relay's live order lines that share a shortfall. */
function sharingLines(db: DbOrTx, communityId: string, relayId: string) {
  return db
    .select({
      orderLineId: orderLines.id,
      relayItemId: orderLines.relayItemId,
      orderId: orders.id,
      seq: orders.seq,
      householdId: orders.householdId,
      qty: orderLines.qty,
      unitPriceFen: orderLines.unitPriceFen,
    })
    .from(orderLines)
    .innerJoin(orders, and(eq(orders.communityId, orderLines.communityId), eq(orders.id, orderLines.orderId)))
    .where(
      and(
        eq(orderLines.communityId, communityId),
        eq(orders.relayId, relayId),
        inArray(orders.status, [...LIVE_ORDER_STATUSES]),
        // A bag already refunded whole (refundBag) is out of the sharing: its household has its money back.
        sql`not exists (select 1 from ${bags} b where b.community_id = ${orders.communityId} and b.order_id = ${orders.id} and b.status = 'refunded')`,
      ),
    );
}
type SharingLine = Awaited<ReturnType<typeof sharingLines>>[number];

/** One item: what was ordered, what came (all of it unless listed), and who goes short. */
function planItem(item: RelayItemRow, lineRows: SharingLine[], input: DeliveredQtyInput[]): PlannedItem {
  const lines = lineRows.filter((l) => l.relayItemId === item.id);
  const shortfallLines: ShortfallLine[] = lines.map((l) => ({
    orderId: l.orderId,
    seq: l.seq,
    householdId: l.householdId,
    qty: l.qty,
    unitPriceFen: l.unitPriceFen,
  }));
  const ordered = orderedTotal(shortfallLines);
  const idx = input.findIndex((d) => d.relayItemId === item.id);
  const deliveredQty = idx >= 0 ? input[idx]!.deliveredQty : ordered;
  validateDeliveredQty(deliveredQty, ordered, idx >= 0 ? `items.${idx}.deliveredQty` : 'items');
  const lineIdByOrder = new Map(lines.map((l) => [l.orderId, l.orderLineId]));
  return {
    relayItemId: item.id,
    name: item.name,
    spec: item.spec,
    unit: item.unit,
    unitPriceFen: item.unitPriceFen,
    orderedQty: ordered,
    deliveredQty,
    allocations: allocateShortfall(shortfallLines, deliveredQty).map((a) => ({
      ...a,
      orderLineId: lineIdByOrder.get(a.orderId)!,
    })),
  };
}

/** One refund per affected order, summing its lines' shares. */
function refundsOf(planned: PlannedItem[]): PlannedRefund[] {
  const refunds = new Map<string, PlannedRefund>();
  for (const item of planned) {
    for (const a of item.allocations) {
      if (a.refundFen <= 0) continue;
      const r = refunds.get(a.orderId) ?? {
        orderId: a.orderId,
        householdId: a.householdId,
        seq: a.seq,
        amountFen: 0,
        lines: [],
      };
      r.amountFen += a.refundFen;
      r.lines.push({ orderLineId: a.orderLineId, amountFen: a.refundFen });
      refunds.set(a.orderId, r);
    }
  }
  return [...refunds.values()];
}

export type ShortfallPlan = Awaited<ReturnType<typeof planShortfall>>;

/** The refund's idempotency key: one partial refund per order per relay settlement. */
export function shortfallRefundKey(relayId: string, orderId: string): string {
  return `shortfall:${relayId}:${orderId}`;
}
