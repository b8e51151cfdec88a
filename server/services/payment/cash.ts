/**
 * 货到付款 / 线下收款 (issue 10 item 5): cash on delivery for a household whose care profile says it
 * has no smartphone, on a relay whose merchant accepts cash. Choosing it commits the order at once
 * (`pending_payment → paid`, so it counts toward 成团 and is packed) with a cash payment of the
 * order's total in `processing`: money owed, nothing received. At check-off the volunteer records
 * the cash collected (`collectCash`): equal to what is due → the payment succeeds, held by that
 * volunteer until handed to the merchant; different → it is still recorded, and the bag becomes an
 * exception (`cash_mismatch`). Refunds of a cash payment never go to Stripe: after collection they
 * are cash handed back (`refunds.cash_returned_by`); before it they lower what is due.
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx, type Tx } from '@/db/client';
import { careProfiles, orders, payments, refunds, relays } from '@/db/schema';
import { publishChainChange } from '@/server/services/relay/chain-bus';
import { relayTitleOf, householdUserIds } from '@/server/services/relay/load';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { ordersHref } from '@/server/services/relay/rules';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { yuan } from '@/server/services/shared/money';
import { notifyUsers } from '@/server/services/shared/notify';
import { cancelPaymentIntent, livePayment, providerUnavailable, type PaymentRow } from './intents';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionPayment } from './lifecycle';

type OrderRow = typeof orders.$inferSelect;
type RelayRow = typeof relays.$inferSelect;

/** The household's care profile says it has no smartphone (the only households offered cash). */
async function hasNoSmartphone(db: DbOrTx, communityId: string, householdId: string) {
  const [p] = await db
    .select({ id: careProfiles.id })
    .from(careProfiles)
    .where(
      and(
        eq(careProfiles.communityId, communityId),
        eq(careProfiles.householdId, householdId),
        sql`'no_smartphone' = any(${careProfiles.categories})`,
      ),
    );
  return !!p;
}

/** Cash is offered for this order: the relay accepts it and the household has no smartphone. */
export async function cashAllowed(db: DbOrTx, relay: Pick<RelayRow, 'cashOnDelivery'>, order: OrderRow) {
  return relay.cashOnDelivery && (await hasNoSmartphone(db, order.communityId, order.householdId));
}

/**
 * Commits an unpaid order as cash on delivery. Idempotent: an order already committed in cash
 * answers its cash payment. A live Stripe intent of the order is cancelled at Stripe first (if it
 * succeeded meanwhile, that payment stands and nothing is owed in cash).
 */
export async function chooseCash(
  ctx: AuthedContext,
  order: OrderRow,
  relay: RelayRow,
): Promise<{ payment: PaymentRow; orderStatus: string }> {
  const { communityId } = order;
  const live = await livePayment(ctx.db, communityId, order.id);
  if (order.status === 'paid' && live) return { payment: live, orderStatus: 'paid' };
  if (!relay.cashOnDelivery) {
    throw preconditionFailed(
      'PAYMENT_METHOD_NOT_ACCEPTED',
      '这个接龙不接受货到付款 / This relay does not take cash on delivery.',
      { field: 'method' },
    );
  }
  if (!(await hasNoSmartphone(ctx.db, communityId, order.householdId))) {
    throw preconditionFailed(
      'CASH_NOT_ALLOWED',
      '货到付款只用于没有智能手机的住户，请用微信、支付宝或银行卡付款 / Cash on delivery is only for households without a smartphone; please pay by WeChat Pay, Alipay or card.',
      { field: 'method' },
    );
  }
  if (live) {
    const outcome = await cancelPaymentIntent(ctx.database, live, 'method_switched');
    if (outcome === 'failed') throw providerUnavailable();
    if (outcome === 'succeeded') {
      const paid = await livePayment(ctx.db, communityId, order.id);
      return { payment: paid ?? live, orderStatus: 'paid' };
    }
  }
  const now = ctx.now();
  const result = await inTransaction(ctx.db, async (tx) => {
    // Lock order: relay (chain version) → order → payment, as every payment write does.
    const [r] = await tx
      .update(relays)
      .set({ chainVersion: sql`${relays.chainVersion} + 1` })
      .where(and(eq(relays.communityId, communityId), eq(relays.id, order.relayId)))
      .returning({ version: relays.chainVersion });
    const [done] = await transitionOrders(tx, { communityId, id: order.id }, 'paid', {
      from: ['pending_payment'],
      set: { paidAt: now, holdUntil: null, cashOnDelivery: true, chainVersion: r!.version, updatedAt: now },
      where: sql`${orders.holdUntil} > ${now.toISOString()}::timestamptz`,
    }).returning();
    if (!done) return null;
    const [payment] = await tx
      .insert(payments)
      .values({
        communityId,
        orderId: order.id,
        stripePaymentIntentId: null,
        method: 'cash',
        payerUserId: ctx.user.id,
        amountFen: order.totalFen,
        currency: 'cny',
        status: 'processing',
      })
      .returning();
    await writeAudit(tx, {
      communityId,
      actorUserId: ctx.user.id,
      action: 'order.cash_on_delivery',
      entityType: 'order',
      entityId: order.id,
      before: { status: 'pending_payment' },
      after: { status: 'paid', method: 'cash', amountFen: order.totalFen },
    });
    const relayTitle = await relayTitleOf(tx, communityId, order.relayId);
    const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
    await notifyUsers(
      tx,
      userIds.map((userId) => ({
        communityId,
        userId,
        kind: 'order.cash_on_delivery',
        payload: {
          orderId: order.id,
          relayId: order.relayId,
          relayTitle,
          seq: order.seq,
          amountFen: order.totalFen,
          amount: yuan(order.totalFen),
          href: ordersHref(communityId),
        },
      })),
    );
    return { payment: payment!, version: r!.version };
  });
  if (!result) {
    throw preconditionFailed(
      'ORDER_NOT_PAYABLE',
      '该订单已不能付款（可能已付款、取消或过期） / This order can no longer be paid (paid, cancelled or expired).',
    );
  }
  await publishChainChange(ctx.database, { communityId, relayId: order.relayId, version: result.version });
  return { payment: result.payment, orderStatus: 'paid' };
}

/** What a cash payment still owes at the door: its amount minus refunds recorded before collection. */
async function cashToCollect(tx: DbOrTx, payment: PaymentRow): Promise<number> {
  const [{ taken } = { taken: 0 }] = await tx
    .select({ taken: sql<number>`coalesce(sum(${refunds.amountFen}), 0)::int` })
    .from(refunds)
    .where(
      and(
        eq(refunds.communityId, payment.communityId),
        eq(refunds.paymentId, payment.id),
        ne(refunds.status, 'failed'),
      ),
    );
  return payment.amountFen - Number(taken);
}

/** The open (uncollected) cash payment of an order, locked; undefined when it owes no cash. */
export async function openCashPayment(tx: Tx, communityId: string, orderId: string) {
  const [p] = await tx
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.communityId, communityId),
        eq(payments.orderId, orderId),
        eq(payments.method, 'cash'),
        eq(payments.status, 'processing'),
      ),
    )
    .for('update');
  return p ? { payment: p, dueFen: await cashToCollect(tx, p) } : undefined;
}

/** Cash still owed per order (for the check-off list), for orders with an open cash payment. */
export async function cashDueByOrder(db: DbOrTx, communityId: string, orderIds: string[]) {
  const out = new Map<string, number>();
  if (orderIds.length === 0) return out;
  const open = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.communityId, communityId),
        inArray(payments.orderId, orderIds),
        eq(payments.method, 'cash'),
        eq(payments.status, 'processing'),
      ),
    );
  for (const p of open) out.set(p.orderId, await cashToCollect(db, p));
  return out;
}

/**
 * Records the cash a volunteer collected at the door: the payment succeeds, held by them. Returns
 * whether it matched what was due (a mismatch is recorded all the same; the caller makes the bag
 * an exception).
 */
export async function collectCash(
  tx: Tx,
  open: { payment: PaymentRow; dueFen: number },
  by: { userId: string; collectedFen: number; at: Date },
): Promise<{ matched: boolean; dueFen: number; collectedFen: number }> {
  const { payment, dueFen } = open;
  await transitionPayment(tx, payment, 'succeeded', {
    from: ['processing'],
    set: {
      succeededAt: by.at,
      collectedBy: by.userId,
      cashCollectedFen: by.collectedFen,
      cashCollectedAt: by.at,
      lastError:
        by.collectedFen === dueFen ? null : `cash_mismatch: due ${dueFen}, collected ${by.collectedFen}`,
    },
  });
  await writeAudit(tx, {
    communityId: payment.communityId,
    actorUserId: by.userId,
    action: by.collectedFen === dueFen ? 'payment.cash_collected' : 'payment.cash_mismatch',
    entityType: 'order',
    entityId: payment.orderId,
    after: { paymentId: payment.id, dueFen, collectedFen: by.collectedFen },
  });
  return { matched: by.collectedFen === dueFen, dueFen, collectedFen: by.collectedFen };
}

type CashHeld = {
  volunteerUserId: string;
  volunteerName: string;
  /** Bags whose cash this volunteer collected. */
  bags: number;
  collectedFen: number;
  /** Handed back to households as cash refunds. */
  returnedFen: number;
  /** What they hold for the merchant: collected − returned. */
  heldFen: number;
};

/**
 * The relay's cash ledger for its merchant: per volunteer, the cash collected at check-off, cash
 * handed back as refunds, and what they hold; plus cash still to collect (open cash payments).
 */
export async function relayCashLedger(db: DbOrTx, communityId: string, relayId: string) {
  const held = await queryRows<{
    user_id: string;
    name: string;
    bags: number;
    collected: number;
    returned: number;
  }>(
    db,
    sql`
      select p.collected_by as user_id, u.name, count(*)::int as bags,
             coalesce(sum(p.cash_collected_fen), 0)::int as collected,
             coalesce(sum((select sum(f.amount_fen) from refunds f
                            where f.community_id = p.community_id and f.payment_id = p.id
                              and f.status = 'succeeded' and f.cash_returned_by is not null)), 0)::int as returned
        from payments p
        join orders o on o.community_id = p.community_id and o.id = p.order_id
        join users u on u.id = p.collected_by
       where p.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid
         and p.method = 'cash' and p.status = 'succeeded'
       group by p.collected_by, u.name
       order by u.name`,
  );
  const [open] = await queryRows<{ n: number; due: number }>(
    db,
    sql`
      select count(*)::int as n,
             coalesce(sum(p.amount_fen - coalesce((select sum(f.amount_fen) from refunds f
                 where f.community_id = p.community_id and f.payment_id = p.id and f.status <> 'failed'), 0)), 0)::int as due
        from payments p
        join orders o on o.community_id = p.community_id and o.id = p.order_id
       where p.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid
         and p.method = 'cash' and p.status = 'processing'`,
  );
  const volunteers: CashHeld[] = held.map((h) => ({
    volunteerUserId: h.user_id,
    volunteerName: h.name,
    bags: Number(h.bags),
    collectedFen: Number(h.collected),
    returnedFen: Number(h.returned),
    heldFen: Number(h.collected) - Number(h.returned),
  }));
  return {
    volunteers,
    totalHeldFen: volunteers.reduce((s, v) => s + v.heldFen, 0),
    toCollect: { orders: Number(open?.n ?? 0), dueFen: Number(open?.due ?? 0) },
  };
}
