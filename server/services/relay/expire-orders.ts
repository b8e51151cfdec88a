import { and, eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { queryRows, type Database } from '@/db/client';
import { orders } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from './chain-bus';
import { householdUserIds, orderLinesOf, relayTitleOf, type OrderRow } from './load';
import { bumpChain, giveBackStock } from './order-stock';
import { ordersHref } from './rules';
import { inTransaction, ts } from '@/server/services/shared/tx';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { orderPayments } from './order-payments';

/**
 * pending_payment → expired for orders whose hold has ended: their stock and household totals go
 * back in the same transaction, guarded by the status and revision read, so two instances
 * expiring the same order (or a payment landing at that moment) settle it exactly once. After
 * commit, the intent is cancelled at Stripe; if it had succeeded after all, that payment is
 * refunded automatically (see applyPaymentIntent). Returns how many orders expired.
 */
export async function expireUnpaidOrders(
  database: Database,
  now: Date,
  opts: { communityId?: string; relayId?: string; limit?: number } = {},
): Promise<number> {
  const scope =
    opts.communityId && opts.relayId
      ? sql` and community_id = ${opts.communityId}::uuid and relay_id = ${opts.relayId}::uuid`
      : sql``;
  // Candidates only; the guarded update below is what decides. SKIP LOCKED keeps two instances
  // from picking the same batch while either is still reading it.
  const candidates = await inTransaction(database.db, (tx) =>
    queryRows<{ community_id: string; id: string }>(
      tx,
      sql`select community_id, id from orders
           where status = 'pending_payment' and hold_until <= ${ts(now)}${scope}
           order by hold_until limit ${opts.limit ?? 100}
           for update skip locked`,
    ),
  );
  let expired = 0;
  for (const c of candidates) {
    try {
      if (await expireOne(database, c.community_id, c.id, now)) expired++;
    } catch (e) {
      console.error(`[relay] expiring order ${c.id} failed; next round retries`, e);
    }
  }
  return expired;
}

async function expireOne(
  database: Database,
  communityId: string,
  orderId: string,
  now: Date,
): Promise<boolean> {
  const db = database.db;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order || order.status !== 'pending_payment' || !order.holdUntil || order.holdUntil > now) return false;
  const lines = await orderLinesOf(db, communityId, orderId);
  const version = await inTransaction(db, async (tx): Promise<number | null> => {
    // Claim the order for the whole transaction: a second instance that read the same candidate
    // skips it here instead of giving its stock back and rolling back.
    const claimed = await queryRows<{ id: string }>(
      tx,
      sql`select id from orders where community_id = ${communityId}::uuid and id = ${orderId}::uuid
           and status = 'pending_payment' and revision = ${order.revision}
           for update skip locked`,
    );
    if (claimed.length === 0) return null;
    await giveBackStock(
      tx,
      order,
      lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty, perHouseholdLimit: l.perHouseholdLimit })),
    );
    const v = await bumpChain(tx, communityId, order.relayId);
    const [done] = await transitionOrders(tx, { communityId, id: orderId }, 'expired', {
      from: ['pending_payment'],
      set: { cancelReason: 'unpaid_hold_ended', cancelledAt: now, chainVersion: v!, updatedAt: now },
      where: and(eq(orders.revision, order.revision), sql`${orders.holdUntil} <= ${ts(now)}`),
    }).returning({ id: orders.id });
    if (!done) {
      tx.rollback();
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: null,
      action: 'order.expired',
      entityType: 'order',
      entityId: orderId,
      before: { status: 'pending_payment', holdUntil: order.holdUntil },
      after: { status: 'expired', returned: lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty })) },
    });
    const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
    const relayTitle = await relayTitleOf(tx, communityId, order.relayId);
    await notifyUsers(
      tx,
      userIds.map((userId) => ({
        communityId,
        userId,
        kind: 'order.expired',
        payload: {
          orderId,
          relayId: order.relayId,
          relayTitle,
          seq: order.seq,
          href: ordersHref(communityId),
        },
      })),
    );
    return v!;
  }).catch((e: unknown) => {
    if (isRollback(e)) return null;
    throw e;
  });
  if (version === null) return false;
  await publishChainChange(database, { communityId, relayId: order.relayId, version });
  await cancelIntentAfterExpiry(database, order);
  return true;
}

function isRollback(e: unknown): boolean {
  // drizzle's TransactionRollbackError carries the name 'DrizzleError'.
  return (
    e instanceof TransactionRollbackError ||
    (e as { name?: string } | null)?.name === 'TransactionRollbackError'
  );
}

async function cancelIntentAfterExpiry(database: Database, order: OrderRow) {
  const live = await orderPayments().livePayment(database.db, order.communityId, order.id);
  if (!live || live.status === 'succeeded') return;
  try {
    await orderPayments().cancelPaymentIntent(database, live, 'hold_ended');
  } catch (e) {
    console.error(
      '[relay] could not cancel an expired order’s intent; a late payment is refunded on arrival',
      e,
    );
  }
}
