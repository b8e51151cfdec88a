import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { householdItemTotals, orderLines, orders, relayItems, relays } from '@/db/schema';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import { requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict, pgErrorCode, PG_CHECK_VIOLATION } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from './chain-bus';
import {
  householdUserIds,
  relayItemsOf,
  requireRelay,
  resolveHouseholdScope,
  unpaidHoldMinutes,
} from './load';
import {
  assertJoinable,
  formatFen,
  holdUntil,
  householdLimitError,
  normalizeJoinLines,
  orderTotalFen,
  ordersHref,
  soldOutError,
  type RequestedLine,
} from './rules';
import { inTransaction, ts } from './tx';

export type JoinRelayInput = {
  communityId: string;
  relayId: string;
  householdId: string;
  lines: RequestedLine[];
  /** One per form submission, made on the phone: a retried submit returns the first order. */
  idempotencyKey: string;
  note?: string;
  /**
   * What the phone showed as the total. Never used for money — the server computes the total from
   * the snapshotted prices — but a mismatch means the page is stale or tampered with, and the
   * person should see the real price before committing.
   */
  expectedTotalFen?: number;
};

export type JoinedOrder = {
  orderId: string;
  seq: number;
  status: 'pending_payment' | 'paid' | 'fulfilled' | 'short' | 'cancelled' | 'expired';
  totalFen: number;
  holdUntil: Date | null;
  onBehalf: boolean;
  doorDelivery: boolean;
};

/** No PaymentIntent here: it is made when the payer chooses a method on the pay page. */
export type JoinRelayResult = { order: JoinedOrder; replayed: boolean };

type OrderRow = typeof orders.$inferSelect;

function view(o: OrderRow): JoinedOrder {
  return {
    orderId: o.id,
    seq: o.seq,
    status: o.status,
    totalFen: o.totalFen,
    holdUntil: o.holdUntil,
    onBehalf: o.onBehalf,
    doorDelivery: o.doorDelivery,
  };
}

async function findByKey(db: ServiceContext['db'], communityId: string, placedBy: string, key: string) {
  const [o] = await db
    .select()
    .from(orders)
    .where(
      and(eq(orders.communityId, communityId), eq(orders.placedBy, placedBy), eq(orders.idempotencyKey, key)),
    );
  return o;
}

/**
 * 接龙: joins a relay for a household in ONE transaction —
 *   1. per line, in item-id order, stock taken with one conditional UPDATE (the CHECK
 *      `sold <= stock_cap` backs it): no row back → RELAY_SOLD_OUT naming the item;
 *   2. the per-household limit with one conditional upsert on household_item_totals, which
 *      serializes concurrent joins of one household;
 *   3. the 接龙号 taken LAST, from `relays.next_seq`, guarded by the relay still being open: a
 *      transaction that fails earlier never consumes a number, so accepted orders are gap-free;
 *   4. the order, its lines, the audit row and the household's notification.
 * The total is computed here from the snapshotted prices. A retry with the same idempotency key
 * (also concurrent retries) returns the first order. After commit the live chain is told. No
 * PaymentIntent is made here: the payer chooses a method on the pay page.
 */
export async function joinRelay({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: JoinRelayInput;
}): Promise<JoinRelayResult> {
  requireUser(ctx);
  const { communityId, relayId } = input;
  const key = input.idempotencyKey.trim();
  if (key.length < 8 || key.length > 100) {
    throw badRequest(
      'IDEMPOTENCY_KEY_INVALID',
      '请求缺少有效的幂等键 / The request needs a valid idempotency key.',
      {
        field: 'idempotencyKey',
      },
    );
  }
  const replay = async (): Promise<JoinRelayResult | null> => {
    const first = await findByKey(ctx.db, communityId, ctx.user.id, key);
    if (!first) return null;
    if (first.relayId !== relayId) {
      throw conflict(
        'IDEMPOTENCY_KEY_REUSED',
        '这个请求编号已用于另一个接龙 / This request id was already used for another relay.',
        {
          field: 'idempotencyKey',
        },
      );
    }
    return { order: view(first), replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const now = ctx.now();
  const scope = await resolveHouseholdScope(ctx, ctx.db, communityId, input.householdId);
  const relay = await requireRelay(ctx.db, communityId, relayId);
  assertJoinable(relay, now);
  const items = await relayItemsOf(ctx.db, communityId, relayId);
  const lines = normalizeJoinLines(input.lines, items);
  const byId = new Map(items.map((i) => [i.id, i]));
  const priced = lines.map((l) => ({ ...l, unitPriceFen: byId.get(l.relayItemId)!.unitPriceFen }));
  const totalFen = orderTotalFen(priced);
  if (input.expectedTotalFen !== undefined && input.expectedTotalFen !== totalFen) {
    throw conflict(
      'ORDER_TOTAL_MISMATCH',
      '价格已更新，请核对后再提交 / The price shown is out of date; check the total and submit again.',
      {
        field: 'expectedTotalFen',
        details: { totalFen },
      },
    );
  }
  // Refuse at once when the snapshot already shows too little stock: in a flash crowd most joins are
  // refusals, and this spares them the transaction. Stock only comes back through cancellations, so a
  // refusal from the snapshot was true when it was read; acceptance is still decided by the
  // conditional UPDATE in the transaction.
  for (const line of lines) {
    const item = byId.get(line.relayItemId)!;
    if (item.stockCap !== null && item.stockCap - item.sold < line.qty) {
      throw soldOutError(item, Math.max(0, item.stockCap - item.sold));
    }
  }
  const hold = holdUntil(now, await unpaidHoldMinutes(ctx.db, communityId));

  let created: { order: OrderRow; version: number };
  try {
    created = await inTransaction(ctx.db, async (tx) => {
      await requireActiveAdmission(tx, communityId, relay.merchantId, now);
      for (const line of lines) {
        const item = byId.get(line.relayItemId)!;
        await takeStock(tx, communityId, relayId, item, line.qty);
        if (item.perHouseholdLimit !== null) {
          await addToHouseholdTotal(tx, communityId, item, scope.householdId, line.qty);
        }
      }
      const [seqRow] = await queryRows<{ seq: number; version: number }>(
        tx,
        sql`update relays set next_seq = next_seq + 1, chain_version = chain_version + 1, updated_at = ${ts(now)}
             where community_id = ${communityId}::uuid and id = ${relayId}::uuid
               and status = 'open' and opens_at <= ${ts(now)} and closes_at > ${ts(now)}
         returning next_seq - 1 as seq, chain_version as version`,
      );
      if (!seqRow) {
        // Closed (or cancelled) while we were taking stock: say exactly what happened.
        const [fresh] = await tx
          .select()
          .from(relays)
          .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)));
        assertJoinable(fresh!, now);
        throw conflict('RELAY_CLOSED', '该接龙已截单 / This relay is closed.');
      }
      const seq = Number(seqRow.seq);
      const version = Number(seqRow.version);
      const free = totalFen === 0;
      const [order] = await tx
        .insert(orders)
        .values({
          communityId,
          relayId,
          seq,
          householdId: scope.householdId,
          placedBy: ctx.user.id,
          onBehalf: scope.onBehalf,
          doorDelivery: scope.doorDelivery,
          status: free ? 'paid' : 'pending_payment',
          totalFen,
          idempotencyKey: key,
          holdUntil: free ? null : hold,
          paidAt: free ? now : null,
          chainVersion: version,
          note: (input.note ?? '').slice(0, 200),
        })
        .returning();
      await tx.insert(orderLines).values(
        priced.map((l) => ({
          communityId,
          orderId: order!.id,
          relayItemId: l.relayItemId,
          qty: l.qty,
          unitPriceFen: l.unitPriceFen,
        })),
      );
      await writeAudit(tx, {
        communityId,
        actorUserId: ctx.user.id,
        action: scope.onBehalf ? 'order.placed_on_behalf' : 'order.placed',
        entityType: 'order',
        entityId: order!.id,
        after: {
          relayId,
          seq,
          householdId: scope.householdId,
          totalFen,
          lines: priced,
          doorDelivery: scope.doorDelivery,
        },
      });
      const userIds = await householdUserIds(tx, communityId, scope.householdId, ctx.user.id);
      await notifyUsers(
        tx,
        userIds.map((userId) => ({
          communityId,
          userId,
          kind: 'order.placed',
          payload: {
            orderId: order!.id,
            relayId,
            relayTitle: relay.title,
            seq,
            totalFen,
            amount: formatFen(totalFen),
            onBehalf: scope.onBehalf,
            placedByName: scope.onBehalf ? ctx.user.name : null,
            // The volunteer who ordered goes back to their list; the household to its orders.
            href:
              scope.onBehalf && userId === ctx.user.id
                ? `/v/${communityId}/order-for`
                : ordersHref(communityId),
          },
        })),
      );
      return { order: order!, version };
    });
  } catch (e) {
    // A concurrent retry with the same key may have won: its order is the answer, whatever
    // this attempt ran into (unique violation, or the stock the first one took).
    const again = await replay();
    if (again) return again;
    if (pgErrorCode(e) === PG_CHECK_VIOLATION) {
      // Only reachable if the conditional UPDATE were bypassed: the CHECK is the last line.
      throw conflict('RELAY_SOLD_OUT', '商品已抢完 / Sold out.', { field: 'lines' });
    }
    throw e;
  }

  await publishChainChange(ctx.database, { communityId, relayId, version: created.version });
  return { order: view(created.order), replayed: false };
}

type ItemRow = typeof relayItems.$inferSelect;

/** One conditional UPDATE: either the units are ours, or nobody's stock moved. */
export async function takeStock(
  tx: Tx,
  communityId: string,
  relayId: string,
  item: ItemRow,
  qty: number,
): Promise<void> {
  const taken = await queryRows<{ sold: number }>(
    tx,
    sql`update relay_items set sold = sold + ${qty}
         where community_id = ${communityId}::uuid and id = ${item.id}::uuid and relay_id = ${relayId}::uuid
           and (stock_cap is null or sold + ${qty} <= stock_cap)
     returning sold`,
  );
  if (taken.length === 0) {
    const [now] = await tx
      .select({ sold: relayItems.sold, cap: relayItems.stockCap })
      .from(relayItems)
      .where(and(eq(relayItems.communityId, communityId), eq(relayItems.id, item.id)));
    throw soldOutError(item, now?.cap == null ? null : Math.max(0, now.cap - now.sold));
  }
}

/**
 * The per-household limit under concurrency: one upsert that adds only while the sum stays within
 * the limit. A first row is inserted unchecked, which is why a single line above the limit is
 * refused before we get here.
 */
export async function addToHouseholdTotal(
  tx: Tx,
  communityId: string,
  item: ItemRow,
  householdId: string,
  qty: number,
) {
  const limit = item.perHouseholdLimit!;
  const rows = await queryRows<{ qty: number }>(
    tx,
    sql`insert into household_item_totals (community_id, relay_item_id, household_id, qty)
        values (${communityId}::uuid, ${item.id}::uuid, ${householdId}::uuid, ${qty})
        on conflict (community_id, relay_item_id, household_id)
        do update set qty = household_item_totals.qty + excluded.qty
         where household_item_totals.qty + excluded.qty <= ${limit}
     returning qty`,
  );
  if (rows.length === 0) {
    const [row] = await tx
      .select({ qty: householdItemTotals.qty })
      .from(householdItemTotals)
      .where(
        and(
          eq(householdItemTotals.communityId, communityId),
          eq(householdItemTotals.relayItemId, item.id),
          eq(householdItemTotals.householdId, householdId),
        ),
      );
    throw householdLimitError(item, row?.qty ?? 0);
  }
}

/** Gives units back (cancel, reduce, expiry); the household's total goes down with them. */
export async function returnStock(
  tx: Tx,
  communityId: string,
  item: Pick<ItemRow, 'id' | 'perHouseholdLimit'>,
  householdId: string,
  qty: number,
) {
  await tx
    .update(relayItems)
    .set({ sold: sql`${relayItems.sold} - ${qty}` })
    .where(and(eq(relayItems.communityId, communityId), eq(relayItems.id, item.id)));
  await tx
    .update(householdItemTotals)
    .set({ qty: sql`greatest(${householdItemTotals.qty} - ${qty}, 0)` })
    .where(
      and(
        eq(householdItemTotals.communityId, communityId),
        eq(householdItemTotals.relayItemId, item.id),
        eq(householdItemTotals.householdId, householdId),
      ),
    );
}
