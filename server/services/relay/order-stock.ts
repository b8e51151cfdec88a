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
import { returnStock } from './join-relay';
import type { OrderRow } from './load';
import { ts } from './tx';

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
