import { and, asc, eq, gte, inArray, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  bags,
  batches,
  buildings,
  households,
  merchants,
  orderLines,
  orders,
  relayItems,
  relays,
  stairwells,
} from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { encodeBagCode } from '@/server/services/shared/bag-code';
import type { ServiceContext } from '@/server/services/shared/context';
import type { DbOrTx } from '@/db/client';
import { notFound } from '@/server/services/shared/errors';
import { shortCodesOf } from './bag-short-codes';
import { careFlags, residentNames, stairwellScope, userNames } from './internal';
import { type BagStatus, type BatchStatus } from './rules';
import { maskName } from '@/server/services/shared/privacy';
import { cashDueByOrder } from '@/server/services/payment/cash';

export const ListCheckoffBagsInput = z.object({ communityId: Id, stairwellId: Id.nullish() });
export type ListCheckoffBagsInput = z.infer<typeof ListCheckoffBagsInput>;

/** How long delivered bags of a finished batch stay on a volunteer's list. */
const KEEP_COMPLETED_MS = 12 * 3_600_000;

export type CheckoffBag = {
  bagId: string;
  orderId: string;
  /** The label's code, so the phone can match a scan without the network. */
  code: string;
  /** The label's 短码, so the phone can match a typed code without the network (null before dispatch). */
  shortCode: string | null;
  status: BagStatus;
  batchId: string;
  batchStatus: BatchStatus;
  releasedAt: Date | null;
  relayTitle: string;
  merchantName: string;
  seq: number;
  stairwellId: string;
  building: string;
  stairwell: string;
  floor: number;
  room: string;
  /** Surname only, as the neighbours' chain shows it. */
  residentName: string;
  care: { categories: string[]; doorDelivery: boolean } | null;
  items: { name: string; spec: string; unit: string; qty: number }[];
  deliveredAt: Date | null;
  deliveredByName: string | null;
  exceptionKind: string | null;
  exceptionNote: string | null;
  /**
   * 货到付款: the cash to collect at the door, in fen — the only amount of money a volunteer sees,
   * and only for such bags; null when the order was paid online or the cash is in.
   */
  cashToCollect: number | null;
};

/**
 * The bags a volunteer carries: their stairwells' bags of current batches, in route order
 * (stairwell, floor, room), care households flagged. No prices and no phone numbers.
 * Coordinators may look at any stairwell.
 */
export async function listCheckoffBags({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListCheckoffBagsInput;
}) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = ctx.user!;
  const { communityId } = input;
  const scope = await stairwellScope({ ...ctx, user }, communityId);
  const now = ctx.now();
  const stairwellIds = chosenStairwells(scope, input.stairwellId);
  const stairwellRows = await stairwellList(ctx.db, communityId, stairwellIds);
  // A coordinator without a filter gets the stairwell list only: 1,506 bags are the board's job.
  if (stairwellIds === null || stairwellIds.length === 0) {
    return { serverNow: now, scopeAll: scope.all, stairwells: stairwellRows, bags: [] as CheckoffBag[] };
  }
  const rows = await bagRows(ctx.db, communityId, stairwellIds, now);
  const orderIds = rows.map((r) => r.orderId);
  const householdIds = [...new Set(rows.map((r) => r.householdId))];
  const itemsByOrder = await itemsOf(ctx.db, communityId, orderIds);
  const cashDue = await cashDueByOrder(
    ctx.db,
    communityId,
    rows.filter((r) => r.cod).map((r) => r.orderId),
  );
  const [names, care, deliverers, shortCodes] = await Promise.all([
    residentNames(ctx.db, communityId, householdIds),
    careFlags(ctx.db, communityId, householdIds),
    userNames(
      ctx.db,
      rows.map((r) => r.deliveredBy),
    ),
    shortCodesOf(ctx.db, communityId, orderIds),
  ]);
  const extras = { itemsByOrder, cashDue, names, care, deliverers, shortCodes };
  const list = rows.map((r) => checkoffBag(communityId, r, extras));
  return { serverNow: now, scopeAll: scope.all, stairwells: stairwellRows, bags: list };
}

/** The stairwells asked for (one the volunteer may see), all of theirs, or null for everyone's. */
function chosenStairwells(
  scope: Awaited<ReturnType<typeof stairwellScope>>,
  stairwellId: string | null | undefined,
): string[] | null {
  if (stairwellId) {
    if (!scope.all && !scope.stairwellIds.has(stairwellId))
      throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
    return [stairwellId];
  }
  return scope.all ? null : [...scope.stairwellIds];
}

function stairwellList(db: DbOrTx, communityId: string, stairwellIds: string[] | null) {
  return db
    .select({
      id: stairwells.id,
      number: stairwells.number,
      building: buildings.number,
      routeOrder: stairwells.routeOrder,
    })
    .from(stairwells)
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(
      and(
        eq(stairwells.communityId, communityId),
        stairwellIds === null
          ? undefined
          : stairwellIds.length
            ? inArray(stairwells.id, stairwellIds)
            : sql`false`,
      ),
    )
    .orderBy(asc(stairwells.routeOrder));
}

/** The stairwells' bags of current batches (and of batches finished recently), in route order. */
function bagRows(db: DbOrTx, communityId: string, stairwellIds: string[], now: Date) {
  return db
    .select({
      bagId: bags.id,
      orderId: bags.orderId,
      status: bags.status,
      batchId: bags.batchId,
      batchStatus: batches.status,
      releasedAt: batches.releasedAt,
      relayTitle: relays.title,
      merchantName: merchants.displayName,
      seq: orders.seq,
      cod: orders.cashOnDelivery,
      householdId: bags.householdId,
      stairwellId: bags.stairwellId,
      building: buildings.number,
      stairwell: stairwells.number,
      stairwellRoute: stairwells.routeOrder,
      floor: households.floor,
      room: households.room,
      deliveredAt: bags.deliveredAt,
      deliveredBy: bags.deliveredBy,
      exceptionKind: bags.exceptionKind,
      exceptionNote: bags.exceptionNote,
    })
    .from(bags)
    .innerJoin(batches, and(eq(batches.communityId, bags.communityId), eq(batches.id, bags.batchId)))
    .innerJoin(orders, and(eq(orders.communityId, bags.communityId), eq(orders.id, bags.orderId)))
    .innerJoin(relays, and(eq(relays.communityId, bags.communityId), eq(relays.id, bags.relayId)))
    .innerJoin(merchants, eq(merchants.id, relays.merchantId))
    .innerJoin(
      households,
      and(eq(households.communityId, bags.communityId), eq(households.id, bags.householdId)),
    )
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, bags.communityId), eq(stairwells.id, bags.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(
      and(
        eq(bags.communityId, communityId),
        inArray(bags.stairwellId, stairwellIds),
        or(
          ne(batches.status, 'completed'),
          gte(batches.completedAt, new Date(now.getTime() - KEEP_COMPLETED_MS)),
        ),
      ),
    )
    .orderBy(asc(stairwells.routeOrder), asc(households.floor), asc(households.room), asc(orders.seq));
}
type BagRow = Awaited<ReturnType<typeof bagRows>>[number];

/** What is in each order's bag (what was delivered when the merchant fell short). */
async function itemsOf(db: DbOrTx, communityId: string, orderIds: string[]) {
  const lines = orderIds.length
    ? await db
        .select({
          orderId: orderLines.orderId,
          name: relayItems.name,
          spec: relayItems.spec,
          unit: relayItems.unit,
          qty: sql<number>`coalesce(${orderLines.fulfilledQty}, ${orderLines.qty})`,
          position: relayItems.position,
        })
        .from(orderLines)
        .innerJoin(
          relayItems,
          and(eq(relayItems.communityId, orderLines.communityId), eq(relayItems.id, orderLines.relayItemId)),
        )
        .where(and(eq(orderLines.communityId, communityId), inArray(orderLines.orderId, orderIds)))
        .orderBy(asc(relayItems.position))
    : [];
  const itemsByOrder = new Map<string, CheckoffBag['items']>();
  for (const l of lines) {
    if (Number(l.qty) <= 0) continue;
    const list = itemsByOrder.get(l.orderId) ?? [];
    list.push({ name: l.name, spec: l.spec, unit: l.unit, qty: Number(l.qty) });
    itemsByOrder.set(l.orderId, list);
  }
  return itemsByOrder;
}

type CheckoffExtras = {
  itemsByOrder: Map<string, CheckoffBag['items']>;
  cashDue: Map<string, number>;
  names: Map<string, string>;
  care: Awaited<ReturnType<typeof careFlags>>;
  deliverers: Map<string, string>;
  shortCodes: Map<string, string>;
};

function checkoffBag(communityId: string, r: BagRow, x: CheckoffExtras): CheckoffBag {
  return {
    bagId: r.bagId,
    orderId: r.orderId,
    code: encodeBagCode(communityId, r.orderId),
    shortCode: x.shortCodes.get(r.orderId) ?? null,
    status: r.status,
    batchId: r.batchId,
    batchStatus: r.batchStatus,
    releasedAt: r.releasedAt,
    relayTitle: r.relayTitle,
    merchantName: r.merchantName,
    seq: r.seq,
    stairwellId: r.stairwellId,
    building: r.building,
    stairwell: r.stairwell,
    floor: r.floor,
    room: r.room,
    residentName: maskName(x.names.get(r.householdId)),
    care: x.care.get(r.householdId) ?? null,
    items: x.itemsByOrder.get(r.orderId) ?? [],
    deliveredAt: r.deliveredAt,
    deliveredByName: r.deliveredBy ? (x.deliverers.get(r.deliveredBy) ?? null) : null,
    exceptionKind: r.exceptionKind,
    exceptionNote: r.exceptionNote,
    cashToCollect: x.cashDue.get(r.orderId) ?? null,
  };
}
