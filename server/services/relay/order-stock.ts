/**
 * The shared core of every path that gives stock back from an order (cancel, reduce, expiry):
 * stock rows first (in item-id order), then the household totals, then the relay row (bumping
 * the chain version, guarded by whatever the relay must still be), then the order row guarded
 * by the status and revision the caller read — the one lock order every writer follows.
 */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { orderLines } from '@/db/schema';
import { conflict } from '@/server/services/shared/errors';
import { householdLimitError, soldOutError } from './rules';
import { returnStock } from './join-relay';
import type { OrderRow } from './load';
import { ts } from '@/server/services/shared/tx';

export type StockMove = {
  relayItemId: string;
  /** Units the order gains (> 0) or gives back (< 0). */
  delta: number;
  name: string;
  perHouseholdLimit: number | null;
};

/**
 * Moves an order's units in item-id order (the lock order every writer follows): units given back
 * as a cancel does; units gained exactly as linli_join_relay() takes them — one conditional UPDATE
 * of the stock row (`sold + n <= stock_cap`, backed by the CHECK), then one conditional update of
 * the household's total (`qty + n <= limit`) — so a growing order and a concurrent join can never
 * sell together more than the cap, nor the household more than its limit. A refusal throws and
 * the caller's transaction rolls back everything already moved.
 */
export async function moveStock(tx: Tx, order: OrderRow, moves: StockMove[]): Promise<void> {
  const sorted = [...moves].sort((a, b) =>
    a.relayItemId < b.relayItemId ? -1 : a.relayItemId > b.relayItemId ? 1 : 0,
  );
  for (const m of sorted) {
    if (m.delta < 0) await giveBackStock(tx, order, [{ ...m, qty: -m.delta }]);
    else if (m.delta > 0) await takeStock(tx, order, m);
  }
}

async function takeStock(tx: Tx, order: OrderRow, m: StockMove): Promise<void> {
  const item = { id: m.relayItemId, name: m.name, perHouseholdLimit: m.perHouseholdLimit };
  const taken = await queryRows<{ id: string }>(
    tx,
    sql`update relay_items set sold = sold + ${m.delta}
         where community_id = ${order.communityId}::uuid and id = ${m.relayItemId}::uuid
           and relay_id = ${order.relayId}::uuid
           and (stock_cap is null or sold + ${m.delta} <= stock_cap)
     returning id`,
  );
  if (taken.length === 0) {
    const [left] = await queryRows<{ left: number | null }>(
      tx,
      sql`select greatest(0, stock_cap - sold) as left from relay_items
           where community_id = ${order.communityId}::uuid and id = ${m.relayItemId}::uuid`,
    );
    throw soldOutError(item, left?.left == null ? 0 : Number(left.left));
  }
  if (m.perHouseholdLimit === null) return;
  const counted = await queryRows<{ qty: number }>(
    tx,
    sql`insert into household_item_totals as t (community_id, relay_item_id, household_id, qty)
        values (${order.communityId}::uuid, ${m.relayItemId}::uuid, ${order.householdId}::uuid, ${m.delta})
        on conflict (community_id, relay_item_id, household_id)
        do update set qty = t.qty + excluded.qty where t.qty + excluded.qty <= ${m.perHouseholdLimit}
        returning t.qty`,
  );
  if (counted.length === 0) {
    const [had] = await queryRows<{ qty: number }>(
      tx,
      sql`select qty from household_item_totals where community_id = ${order.communityId}::uuid
           and relay_item_id = ${m.relayItemId}::uuid and household_id = ${order.householdId}::uuid`,
    );
    throw householdLimitError(item, Number(had?.qty ?? 0));
  }
}

export type StockReturn = { relayItemId: string; qty: number; perHouseholdLimit: number | null };

export async function giveBackStock(tx: Tx, order: OrderRow, lines: StockReturn[]): Promise<void> {
  const sorted = [...lines].sort((a, b) =>
    a.relayItemId < b.relayItemId ? -1 : a.relayItemId > b.relayItemId ? 1 : 0,
  );
  for (const l of sorted) {
    if (l.qty > 0)
      await returnStock(
        tx,
        order.communityId,
        { id: l.relayItemId, perHouseholdLimit: l.perHouseholdLimit },
        order.householdId,
        l.qty,
      );
  }
}

/**
 * Bumps the relay's chain version; with `whileOpenAt`, only while the relay still takes changes
 * (open, before cutoff). Returns the new version, or null when the guard failed.
 */
export async function bumpChain(
  tx: Tx,
  communityId: string,
  relayId: string,
  whileOpenAt?: Date,
): Promise<number | null> {
  const guard = whileOpenAt ? sql` and status = 'open' and closes_at > ${ts(whileOpenAt)}` : sql``;
  const [row] = await queryRows<{ version: number }>(
    tx,
    sql`update relays set chain_version = chain_version + 1
         where community_id = ${communityId}::uuid and id = ${relayId}::uuid${guard}
     returning chain_version as version`,
  );
  return row ? Number(row.version) : null;
}

export function orderChanged() {
  return conflict(
    'ORDER_CHANGED',
    '订单刚刚有变化，请刷新后再试 / The order just changed; refresh and try again.',
  );
}

export async function setLineQty(
  tx: Tx,
  communityId: string,
  orderId: string,
  relayItemId: string,
  qty: number,
) {
  const where = and(
    eq(orderLines.communityId, communityId),
    eq(orderLines.orderId, orderId),
    eq(orderLines.relayItemId, relayItemId),
  );
  if (qty === 0) await tx.delete(orderLines).where(where);
  else await tx.update(orderLines).set({ qty }).where(where);
}
