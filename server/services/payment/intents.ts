/**
 * PaymentIntents: one live intent per unpaid order, and the single function that applies Stripe's
 * view of an intent to ours (used by the webhook, the return-page reconciliation and the test
 * payment page alike, so all three agree and any of them may arrive first, twice, or never).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Tx } from '@/db/client';
import { orders, payments, relays } from '@/db/schema';
import { getStripe } from '@/server/payments/stripe';
import { writeAudit } from '@/server/services/shared/audit';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from '@/server/services/relay/chain-bus';
import { householdUserIds, relayTitleOf } from '@/server/services/relay/load';
import { formatFen, ordersHref } from '@/server/services/relay/rules';
import { executeRefunds, reserveRefund, type RefundRow } from './refunds';

export type PaymentRow = typeof payments.$inferSelect;
export type OurPaymentStatus = PaymentRow['status'];

export type PaymentView = {
  paymentId: string;
  paymentIntentId: string;
  amountFen: number;
  currency: string;
  status: OurPaymentStatus;
  lastError: string | null;
};

export function toPaymentView(p: PaymentRow): PaymentView {
  return {
    paymentId: p.id,
    paymentIntentId: p.stripePaymentIntentId,
    amountFen: p.amountFen,
    currency: p.currency,
    status: p.status,
    lastError: p.lastError,
  };
}

/** Stripe's PaymentIntent status in our five words. */
export function ourStatus(pi: Pick<Stripe.PaymentIntent, 'status' | 'last_payment_error'>): OurPaymentStatus {
  switch (pi.status) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
      return 'processing';
    case 'canceled':
      return 'canceled';
    default:
      return pi.last_payment_error ? 'failed' : 'requires_payment_method';
  }
}

export async function livePayment(
  db: Database['db'] | Tx,
  communityId: string,
  orderId: string,
): Promise<PaymentRow | undefined> {
  const [p] = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.communityId, communityId),
        eq(payments.orderId, orderId),
        ne(payments.status, 'canceled'),
      ),
    );
  return p;
}

/** Stripe idempotency key of an order's intent: one per order revision (a reduced order gets a new one). */
export function intentKey(orderId: string, revision: number): string {
  return `linli-pi:${orderId}:r${revision}`;
}

const inflight = new Map<string, Promise<PaymentView | null>>();

/**
 * The live PaymentIntent of an unpaid order, created when missing (amount = the order's total in
 * fen, CNY, metadata naming the compound and order). Concurrent callers in this instance share one
 * request; across instances Stripe's idempotency key and our unique index keep it to one intent.
 * Returns null for an order that needs no payment (paid, cancelled, expired, or free).
 */
export async function ensurePaymentIntent(
  database: Database,
  communityId: string,
  orderId: string,
): Promise<PaymentView | null> {
  const key = `${communityId}:${orderId}`;
  const running = inflight.get(key);
  if (running) return running;
  const p = ensureOnce(database, communityId, orderId).finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

async function ensureOnce(
  database: Database,
  communityId: string,
  orderId: string,
): Promise<PaymentView | null> {
  const db = database.db;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order) return null;
  const live = await livePayment(db, communityId, orderId);
  if (order.status !== 'pending_payment' || order.totalFen === 0) return live ? toPaymentView(live) : null;
  if (live && live.amountFen === order.totalFen) return toPaymentView(live);
  if (live) {
    // The order was reduced after its intent was made: that intent must not be payable any more.
    const outcome = await cancelPaymentIntent(database, live, 'order_reduced');
    if (outcome === 'succeeded') return toPaymentView((await livePayment(db, communityId, orderId)) ?? live);
  }
  const pi = await getStripe().paymentIntents.create(
    {
      amount: order.totalFen,
      currency: 'cny',
      description: `邻里接龙 #${order.seq}`,
      metadata: {
        community_id: communityId,
        order_id: orderId,
        relay_id: order.relayId,
        seq: String(order.seq),
      },
    },
    { idempotencyKey: intentKey(orderId, order.revision) },
  );
  await db
    .insert(payments)
    .values({
      communityId,
      orderId,
      stripePaymentIntentId: pi.id,
      amountFen: pi.amount,
      currency: pi.currency,
      status: ourStatus(pi),
    })
    .onConflictDoNothing();
  const now = await livePayment(db, communityId, orderId);
  return now ? toPaymentView(now) : null;
}

/**
 * Cancels an intent at Stripe so it can no longer be paid, and marks our row. If Stripe says it
 * already succeeded, that success is applied instead (and a late payment is refunded there).
 */
export async function cancelPaymentIntent(
  database: Database,
  payment: PaymentRow,
  reason: 'order_reduced' | 'order_cancelled' | 'hold_ended' | 'relay_ended',
): Promise<'canceled' | 'succeeded' | 'failed'> {
  const stripe = getStripe();
  try {
    await stripe.paymentIntents.cancel(payment.stripePaymentIntentId, {
      cancellation_reason: reason === 'order_reduced' ? 'requested_by_customer' : 'abandoned',
    });
  } catch (e) {
    // Most likely it succeeded (or is processing) meanwhile: take Stripe's word for what it is.
    try {
      const pi = await stripe.paymentIntents.retrieve(payment.stripePaymentIntentId);
      await applyPaymentIntent(database, pi);
      if (pi.status === 'succeeded') return 'succeeded';
      if (pi.status !== 'canceled') return 'failed';
    } catch (inner) {
      console.error('[payment] cancel and retrieve both failed', e, inner);
      return 'failed';
    }
  }
  await database.db
    .update(payments)
    .set({ status: 'canceled' })
    .where(
      and(
        eq(payments.communityId, payment.communityId),
        eq(payments.id, payment.id),
        ne(payments.status, 'succeeded'),
      ),
    );
  return 'canceled';
}

export type ApplyOutcome = {
  /** The order turned paid in this call. */
  paid: boolean;
  /** A late or excess payment is being refunded. */
  refunds: RefundRow[];
};

/**
 * Applies a PaymentIntent's state to our payment and order — idempotent: every write is guarded
 * by the state it leaves, so the webhook, the reconciliation and a replayed event can all run it.
 * Locks in the documented order (relay → order → payment) so it never deadlocks with a join or a
 * closing relay. Returns what it did; refunds it reserved are executed after commit.
 */
export async function applyPaymentIntent(
  database: Database,
  pi: Stripe.PaymentIntent,
  opts: { tx?: Tx; eventId?: string } = {},
): Promise<ApplyOutcome> {
  const run = async (tx: Tx) => applyInTx(tx, pi);
  const result = opts.tx ? await run(opts.tx) : await database.db.transaction(run);
  if (!opts.tx) await afterApply(database, result);
  return { paid: result.paid, refunds: result.refunds };
}

type InternalOutcome = ApplyOutcome & { signal?: { communityId: string; relayId: string; version: number } };

/** Work to do once the transaction that applied an intent has committed. */
export async function afterApply(database: Database, result: InternalOutcome): Promise<RefundRow[]> {
  if (result.signal) await publishChainChange(database, result.signal);
  return result.refunds.length ? executeRefunds(database, result.refunds) : [];
}

export async function applyInTx(tx: Tx, pi: Stripe.PaymentIntent): Promise<InternalOutcome> {
  const none: InternalOutcome = { paid: false, refunds: [] };
  const communityId = pi.metadata?.community_id;
  const orderId = pi.metadata?.order_id;
  if (!communityId || !orderId) return none;
  const [payment] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.communityId, communityId), eq(payments.stripePaymentIntentId, pi.id)));
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order) return none;
  let pay = payment;
  if (!pay) {
    // Our insert after create was lost (crash); Stripe's metadata names the order: adopt it.
    const [inserted] = await tx
      .insert(payments)
      .values({
        communityId,
        orderId,
        stripePaymentIntentId: pi.id,
        amountFen: pi.amount,
        currency: pi.currency,
        status: 'canceled',
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) return none;
    pay = inserted;
  }
  const status = ourStatus(pi);

  if (status !== 'succeeded') {
    if (pay.status === 'succeeded' || pay.status === 'canceled') return none;
    const lastError =
      pi.last_payment_error?.decline_code ??
      pi.last_payment_error?.code ??
      pi.last_payment_error?.message ??
      null;
    await tx
      .update(payments)
      .set({ status, lastError })
      .where(
        and(
          eq(payments.communityId, communityId),
          eq(payments.id, pay.id),
          ne(payments.status, 'succeeded'),
          ne(payments.status, 'canceled'),
        ),
      );
    return none;
  }

  if (pay.status === 'succeeded') return none; // applied before
  let paid = false;
  let signal: InternalOutcome['signal'];
  const fits = pay.status !== 'canceled' && pi.amount >= order.totalFen;
  if (order.status === 'pending_payment' && fits) {
    const [r] = await tx
      .update(relays)
      .set({ chainVersion: sql`${relays.chainVersion} + 1` })
      .where(and(eq(relays.communityId, communityId), eq(relays.id, order.relayId)))
      .returning({ version: relays.chainVersion });
    const [done] = await tx
      .update(orders)
      .set({ status: 'paid', paidAt: new Date(), holdUntil: null, chainVersion: r!.version })
      .where(
        and(
          eq(orders.communityId, communityId),
          eq(orders.id, orderId),
          eq(orders.status, 'pending_payment'),
        ),
      )
      .returning({ id: orders.id });
    if (done) {
      paid = true;
      signal = { communityId, relayId: order.relayId, version: r!.version };
    }
  }
  const [settled] = await tx
    .update(payments)
    .set({ status: 'succeeded', succeededAt: new Date(), lastError: null })
    .where(
      and(eq(payments.communityId, communityId), eq(payments.id, pay.id), ne(payments.status, 'succeeded')),
    )
    .returning();
  if (!settled) return none;

  const refundsToRun: RefundRow[] = [];
  const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
  if (paid) {
    await writeAudit(tx, {
      communityId,
      actorUserId: null,
      action: 'order.paid',
      entityType: 'order',
      entityId: orderId,
      before: { status: 'pending_payment' },
      after: { status: 'paid', paymentIntentId: pi.id, amountFen: pi.amount },
    });
    const relayTitle = await relayTitleOf(tx, communityId, order.relayId);
    await notifyUsers(
      tx,
      userIds.map((userId) => ({
        communityId,
        userId,
        kind: 'order.paid',
        payload: {
          orderId,
          relayId: order.relayId,
          relayTitle,
          seq: order.seq,
          amountFen: pi.amount,
          amount: formatFen(pi.amount),
          href: ordersHref(communityId),
        },
      })),
    );
    if (pi.amount > order.totalFen) {
      const { refund } = await reserveRefund(tx, {
        communityId,
        orderId,
        paymentId: pay.id,
        amountFen: pi.amount - order.totalFen,
        reason: 'overpaid',
        idempotencyKey: `overpaid:${pay.id}`,
      });
      if (refund.status === 'pending') refundsToRun.push(refund);
    }
  } else {
    // Money arrived for an order that can no longer take it (expired, cancelled, a superseded
    // intent): give it all back, automatically, once.
    const { refund } = await reserveRefund(tx, {
      communityId,
      orderId,
      paymentId: pay.id,
      amountFen: pi.amount,
      reason: 'late_payment',
      idempotencyKey: `late-payment:${pay.id}`,
    });
    if (refund.status === 'pending') refundsToRun.push(refund);
    await writeAudit(tx, {
      communityId,
      actorUserId: null,
      action: 'payment.late',
      entityType: 'order',
      entityId: orderId,
      after: { orderStatus: order.status, paymentIntentId: pi.id, amountFen: pi.amount },
    });
  }
  return { paid, refunds: refundsToRun, signal };
}
