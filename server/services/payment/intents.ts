/**
 * PaymentIntents: one live intent per unpaid order, and the single function that applies Stripe's
 * view of an intent to ours (used by the webhook, the return-page reconciliation and the test
 * payment page alike, so all three agree and any of them may arrive first, twice, or never).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Tx } from '@/db/client';
import { orders, payments, relays } from '@/db/schema';
import { appOrigin, getStripe } from '@/server/payments/stripe';
import { writeAudit } from '@/server/services/shared/audit';
import { serviceUnavailable } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from '@/server/services/relay/chain-bus';
import { householdUserIds, relayTitleOf } from '@/server/services/relay/load';
import { ordersHref } from '@/server/services/relay/rules';
import { executeRefunds, reserveRefund, type RefundRow } from './refunds';
import { yuan } from '@/server/services/shared/money';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionPayment } from './lifecycle';

export type PaymentRow = typeof payments.$inferSelect;
export type OurPaymentStatus = PaymentRow['status'];

export type PaymentView = {
  paymentId: string;
  /** Null for cash. */
  paymentIntentId: string | null;
  method: PaymentRow['method'];
  amountFen: number;
  currency: string;
  status: OurPaymentStatus;
  lastError: string | null;
};

export function toPaymentView(p: PaymentRow): PaymentView {
  return {
    paymentId: p.id,
    paymentIntentId: p.stripePaymentIntentId,
    method: p.method,
    amountFen: p.amountFen,
    currency: p.currency,
    status: p.status,
    lastError: p.lastError,
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuidString(s: unknown): s is string {
  return typeof s === 'string' && UUID_RE.test(s);
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

/** The methods that go through Stripe, in the order the pay page lists them. */
export const ONLINE_METHODS = ['wechat_pay', 'alipay', 'card'] as const;
export type OnlineMethod = (typeof ONLINE_METHODS)[number];

/**
 * Stripe idempotency key of an order's intent: one per order revision (a reduced order gets a new
 * one), method, and attempt (the number of intents the order had before, so switching back to a
 * method after its intent was cancelled makes a new one while a retried or double-tapped choice
 * gives the same).
 */
export function intentKey(
  orderId: string,
  revision: number,
  method: OnlineMethod = 'card',
  attempt = 0,
): string {
  return `linli-pi:${orderId}:r${revision}:${method}:a${attempt}`;
}

export type EnsureIntentOptions = {
  method: OnlineMethod;
  /** The user paying (代付: not necessarily of the household). */
  payerUserId?: string | null;
  /** Where Stripe sends the payer back after a wallet (built on the server from the app's origin). */
  returnUrl?: string;
};

const inflight = new Map<string, Promise<PaymentRow | null>>();

/**
 * The live PaymentIntent of an unpaid order for the chosen method, created when missing (amount =
 * the order's total in fen, CNY, metadata naming the compound and order). A live intent of another
 * method (or of an older amount) is cancelled at Stripe first. Concurrent callers in this instance
 * share one request; across instances Stripe's idempotency key and our unique index keep it to one
 * intent. Returns null for an order that needs no payment (paid, cancelled, expired, or free).
 */
export async function ensurePaymentIntent(
  database: Database,
  communityId: string,
  orderId: string,
  opts: EnsureIntentOptions = { method: 'card' },
): Promise<PaymentView | null> {
  const row = await ensurePaymentRow(database, communityId, orderId, opts);
  return row ? toPaymentView(row) : null;
}

/** As `ensurePaymentIntent`, returning our payment row. */
export async function ensurePaymentRow(
  database: Database,
  communityId: string,
  orderId: string,
  opts: EnsureIntentOptions,
): Promise<PaymentRow | null> {
  const key = `${communityId}:${orderId}:${opts.method}`;
  const running = inflight.get(key);
  if (running) return running;
  const p = ensureOnce(database, communityId, orderId, opts).finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

async function ensureOnce(
  database: Database,
  communityId: string,
  orderId: string,
  opts: EnsureIntentOptions,
): Promise<PaymentRow | null> {
  const db = database.db;
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order) return null;
  const live = await livePayment(db, communityId, orderId);
  if (order.status !== 'pending_payment' || order.totalFen === 0) return live ?? null;
  if (live && live.method === opts.method && live.amountFen === order.totalFen) return live;
  if (live) {
    // A reduced order, or the payer switched method: the earlier intent must not be payable any more.
    const outcome = await cancelPaymentIntent(
      database,
      live,
      live.amountFen === order.totalFen ? 'method_switched' : 'order_reduced',
    );
    if (outcome === 'succeeded') return (await livePayment(db, communityId, orderId)) ?? live;
    if (outcome === 'failed') throw providerUnavailable();
  }
  const attempt = await db.$count(
    payments,
    and(eq(payments.communityId, communityId), eq(payments.orderId, orderId)),
  );
  const pi = await createIntent(order, opts, attempt);
  const [inserted] = await db
    .insert(payments)
    .values({
      communityId,
      orderId,
      stripePaymentIntentId: pi.id,
      method: opts.method,
      payerUserId: opts.payerUserId ?? null,
      amountFen: pi.amount,
      currency: pi.currency,
      status: ourStatus(pi),
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) return inserted;
  const now = await livePayment(db, communityId, orderId);
  if (now && now.stripePaymentIntentId !== pi.id) {
    // Another instance made a different intent for this order meanwhile: ours must not be payable.
    await getStripe()
      .paymentIntents.cancel(pi.id, { cancellation_reason: 'duplicate' })
      .catch((e: unknown) => console.error('[payment] could not cancel a duplicate intent', e));
  }
  return now ?? null;
}

type OrderRow = typeof orders.$inferSelect;

/** One Stripe call: the wallets are confirmed at once (their next action is the QR / redirect). */
async function createIntent(order: OrderRow, opts: EnsureIntentOptions, attempt: number) {
  const base: Stripe.PaymentIntentCreateParams = {
    amount: order.totalFen,
    currency: 'cny',
    description: `邻里接龙 #${order.seq}`,
    allowed_payment_method_types: [opts.method],
    metadata: {
      community_id: order.communityId,
      order_id: order.id,
      relay_id: order.relayId,
      seq: String(order.seq),
      method: opts.method,
    },
  };
  const params: Stripe.PaymentIntentCreateParams =
    opts.method === 'card'
      ? base
      : {
          ...base,
          confirm: true,
          payment_method_data: { type: opts.method },
          ...(opts.method === 'wechat_pay'
            ? { payment_method_options: { wechat_pay: { client: 'web' as const } } }
            : {}),
          return_url: opts.returnUrl ?? returnUrlFor(order.communityId, order.id),
        };
  return callStripe(() =>
    getStripe().paymentIntents.create(params, {
      idempotencyKey: intentKey(order.id, order.revision, opts.method, attempt),
    }),
  );
}

/**
 * Cancels an intent at Stripe so it can no longer be paid, and marks our row. If Stripe says it
 * already succeeded, that success is applied instead (and a late payment is refunded there). An
 * intent Stripe no longer knows (`No such payment_intent`: the mock restarted) is marked canceled
 * here, so a new one can replace it. A cash payment has no intent: only our row changes.
 */
export async function cancelPaymentIntent(
  database: Database,
  payment: PaymentRow,
  reason: 'order_reduced' | 'order_cancelled' | 'hold_ended' | 'relay_ended' | 'method_switched',
): Promise<'canceled' | 'succeeded' | 'failed'> {
  const piId = payment.stripePaymentIntentId;
  if (piId) {
    const stripe = getStripe();
    try {
      await stripe.paymentIntents.cancel(piId, {
        cancellation_reason:
          reason === 'order_reduced' || reason === 'method_switched' ? 'requested_by_customer' : 'abandoned',
      });
    } catch (e) {
      if (!isMissingIntent(e)) {
        // Most likely it succeeded (or is processing) meanwhile: take Stripe's word for what it is.
        try {
          const pi = await stripe.paymentIntents.retrieve(piId);
          await applyPaymentIntent(database, pi);
          if (pi.status === 'succeeded') return 'succeeded';
          if (pi.status !== 'canceled') return 'failed';
        } catch (inner) {
          if (!isMissingIntent(inner)) {
            console.error('[payment] cancel and retrieve both failed', e, inner);
            return 'failed';
          }
        }
      }
    }
  }
  await markCanceled(database.db, payment);
  return 'canceled';
}

/** Our row of an intent that can no longer be paid (never a succeeded one). */
export async function markCanceled(db: Database['db'] | Tx, payment: Pick<PaymentRow, 'communityId' | 'id'>) {
  await transitionPayment(db, payment, 'canceled');
}

/** Stripe's 404 for an intent it does not know (`No such payment_intent: …`). */
export function isMissingIntent(e: unknown): boolean {
  const err = e as { type?: string; code?: string; statusCode?: number } | null;
  return (
    !!err &&
    err.type === 'StripeInvalidRequestError' &&
    (err.code === 'resource_missing' || err.statusCode === 404)
  );
}

/** Stripe could not be reached, timed out, or failed on its side (5xx / rate limit). */
export function isProviderDown(e: unknown): boolean {
  const err = e as { type?: string; statusCode?: number } | null;
  if (!err || typeof err !== 'object') return false;
  return (
    err.type === 'StripeConnectionError' ||
    err.type === 'StripeAPIError' ||
    err.type === 'StripeRateLimitError' ||
    (typeof err.statusCode === 'number' && err.statusCode >= 500)
  );
}

export const PROVIDER_RETRY_AFTER_SECONDS = 10;

export function providerUnavailable() {
  return serviceUnavailable(
    'PAYMENT_PROVIDER_UNAVAILABLE',
    '支付服务暂时无法连接，订单仍保留，请稍后再试 / The payment service cannot be reached right now; your order is kept, please try again shortly.',
    { details: { retryAfterSeconds: PROVIDER_RETRY_AFTER_SECONDS } },
  );
}

/** Runs a Stripe call; an unreachable Stripe becomes PAYMENT_PROVIDER_UNAVAILABLE (503). */
export async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isProviderDown(e)) {
      console.error('[payment] Stripe unavailable', (e as Error).message);
      throw providerUnavailable();
    }
    throw e;
  }
}

/** Where Stripe sends a wallet payer back: our own pay page, from the app's configured origin. */
export function returnUrlFor(communityId: string, orderId: string): string {
  return `${appOrigin()}/pay/${orderId}?c=${communityId}&return=1`;
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
  const result = opts.tx ? await run(opts.tx) : await inTransaction(database.db, run);
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
  // Not ours (or not a compound's UUID): nothing to apply, and nothing to send to the database.
  if (!isUuidString(communityId) || !isUuidString(orderId)) return none;
  const found = await paymentAndOrder(tx, communityId, orderId, pi);
  if (!found) return none;
  const { pay, order } = found;
  if (ourStatus(pi) !== 'succeeded') {
    await recordUnsucceeded(tx, communityId, pay, pi);
    return none;
  }
  if (pay.status === 'succeeded') return none; // applied before
  const fits = pay.status !== 'canceled' && pi.amount >= order.totalFen;
  const signal =
    order.status === 'pending_payment' && fits ? await markOrderPaid(tx, communityId, order) : undefined;
  const paid = signal !== undefined;
  const [settled] = await transitionPayment(tx, pay, 'succeeded', {
    set: { succeededAt: new Date(), lastError: null },
  });
  if (!settled) return none;
  const refundsToRun = paid
    ? await tellPaidAndRefundExcess(tx, { communityId, order, pay, pi })
    : await refundLatePayment(tx, { communityId, order, pay, pi });
  return { paid, refunds: refundsToRun, signal };
}

type Applied = { communityId: string; order: OrderRow; pay: PaymentRow; pi: Stripe.PaymentIntent };

/**
 * Our payment for the intent and its order; a payment whose insert after create was lost (crash)
 * is adopted from Stripe's metadata. Null when the order is not there.
 */
async function paymentAndOrder(tx: Tx, communityId: string, orderId: string, pi: Stripe.PaymentIntent) {
  const [payment] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.communityId, communityId), eq(payments.stripePaymentIntentId, pi.id)));
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order) return null;
  if (payment) return { pay: payment, order };
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
  return inserted ? { pay: inserted, order } : null;
}

/** An intent not (yet) succeeded: its status and last error, unless the payment is settled. */
async function recordUnsucceeded(tx: Tx, communityId: string, pay: PaymentRow, pi: Stripe.PaymentIntent) {
  if (pay.status === 'succeeded' || pay.status === 'canceled') return;
  const lastError =
    pi.last_payment_error?.decline_code ??
    pi.last_payment_error?.code ??
    pi.last_payment_error?.message ??
    null;
  await transitionPayment(tx, pay, ourStatus(pi), {
    from: ['requires_payment_method', 'processing', 'failed'],
    set: { lastError },
  });
}

/** pending_payment → paid with the relay's next chain version; the signal when it happened. */
async function markOrderPaid(
  tx: Tx,
  communityId: string,
  order: OrderRow,
): Promise<InternalOutcome['signal']> {
  const [r] = await tx
    .update(relays)
    .set({ chainVersion: sql`${relays.chainVersion} + 1` })
    .where(and(eq(relays.communityId, communityId), eq(relays.id, order.relayId)))
    .returning({ version: relays.chainVersion });
  const [done] = await transitionOrders(tx, { communityId, id: order.id }, 'paid', {
    from: ['pending_payment'],
    set: { paidAt: new Date(), holdUntil: null, chainVersion: r!.version },
  }).returning({ id: orders.id });
  return done ? { communityId, relayId: order.relayId, version: r!.version } : undefined;
}

/** The order was paid now: audit, tell the household, and give back what was paid too much. */
async function tellPaidAndRefundExcess(tx: Tx, { communityId, order, pay, pi }: Applied) {
  const orderId = order.id;
  const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
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
        amount: yuan(pi.amount),
        href: ordersHref(communityId),
      },
    })),
  );
  if (pi.amount <= order.totalFen) return [];
  const { refund } = await reserveRefund(tx, {
    communityId,
    orderId,
    paymentId: pay.id,
    amountFen: pi.amount - order.totalFen,
    reason: 'overpaid',
    idempotencyKey: `overpaid:${pay.id}`,
  });
  return refund.status === 'pending' ? [refund] : [];
}

/**
 * Money arrived for an order that can no longer take it (expired, cancelled, a superseded
 * intent): give it all back, automatically, once.
 */
async function refundLatePayment(tx: Tx, { communityId, order, pay, pi }: Applied) {
  const { refund } = await reserveRefund(tx, {
    communityId,
    orderId: order.id,
    paymentId: pay.id,
    amountFen: pi.amount,
    reason: 'late_payment',
    idempotencyKey: `late-payment:${pay.id}`,
  });
  await writeAudit(tx, {
    communityId,
    actorUserId: null,
    action: 'payment.late',
    entityType: 'order',
    entityId: order.id,
    after: { orderStatus: order.status, paymentIntentId: pi.id, amountFen: pi.amount },
  });
  return refund.status === 'pending' ? [refund] : [];
}
