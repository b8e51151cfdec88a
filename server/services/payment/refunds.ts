/**
 * Refunds in two steps, because a network call must never sit inside a database transaction:
 *  1. `reserveRefund(tx, …)` — inside a transaction: checks the amount against what was paid minus
 *     what is already refunded or being refunded (the payment row is locked, so two settlements of
 *     one order serialize), and records a `pending` refund under a deterministic idempotency key
 *     (unique per compound: the same cause can never be recorded twice).
 *  2. `executeRefund(…)` — after commit: asks Stripe with that same key as Stripe's idempotency
 *     key (so even a crash between Stripe's answer and our write cannot refund twice) and records
 *     the outcome. A refund left `pending` (Stripe unreachable, process died) is retried by the
 *     `relay-refunds` job with the same key.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, DbOrTx, Tx } from '@/db/client';
import { orderLines, orders, payments, refunds } from '@/db/schema';
import { getStripe } from '@/server/payments/stripe';
import { writeAudit } from '@/server/services/shared/audit';
import { badRequest, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { householdUserIds, relayTitleOf } from '@/server/services/relay/load';
import { ordersHref, refundableFen } from '@/server/services/relay/rules';
import { yuan } from '@/server/services/shared/money';
import { smsOrderNotice } from '@/server/messaging/order-sms';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionRefund } from './lifecycle';

export type RefundRow = typeof refunds.$inferSelect;

export type ReserveRefundInput = {
  communityId: string;
  orderId: string;
  amountFen: number;
  /** `relay_failed`, `relay_cancelled`, `order_cancelled`, `order_reduced`, `late_payment`, `shortfall`, … */
  reason: string;
  idempotencyKey: string;
  requestedBy?: string | null;
  /** Which payment to refund; default the order's succeeded payment. */
  paymentId?: string;
  /** Optional split over order lines, recorded in `order_lines.refunded_fen`; must sum to amountFen. */
  lines?: { orderLineId: string; amountFen: number }[];
};

export type Reservation = { refund: RefundRow; created: boolean };

async function findByKey(tx: DbOrTx, communityId: string, key: string): Promise<RefundRow | undefined> {
  const [r] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.communityId, communityId), eq(refunds.idempotencyKey, key)));
  return r;
}

/** Reserves a refund inside the caller's transaction; returns the existing one for a key seen before. */
export async function reserveRefund(tx: Tx, input: ReserveRefundInput): Promise<Reservation> {
  const { communityId, orderId, amountFen, idempotencyKey } = input;
  requireRefundRequest(amountFen, idempotencyKey);
  const seen = await findByKey(tx, communityId, idempotencyKey);
  if (seen) return { refund: seen, created: false };
  const payment = await lockRefundablePayment(tx, communityId, orderId, input.paymentId);
  // Someone holding the lock before us may have recorded this very key.
  const raced = await findByKey(tx, communityId, idempotencyKey);
  if (raced) return { refund: raced, created: false };
  await requireWithinPaid(tx, communityId, payment, amountFen);
  if (input.lines) await recordLineRefunds(tx, communityId, orderId, amountFen, input.lines);
  const [refund] = await tx
    .insert(refunds)
    .values({
      communityId,
      orderId,
      paymentId: payment.id,
      amountFen,
      reason: input.reason,
      idempotencyKey,
      requestedBy: input.requestedBy ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (!refund) {
    const again = await findByKey(tx, communityId, idempotencyKey);
    if (again) return { refund: again, created: false };
    throw new Error('refund insert conflicted but no row found');
  }
  await writeAudit(tx, {
    communityId,
    actorUserId: input.requestedBy ?? null,
    action: 'refund.reserved',
    entityType: 'order',
    entityId: orderId,
    after: { refundId: refund.id, amountFen, reason: input.reason, idempotencyKey },
  });
  return { refund, created: true };
}

function requireRefundRequest(amountFen: number, idempotencyKey: string) {
  if (!Number.isInteger(amountFen) || amountFen <= 0) {
    throw badRequest(
      'REFUND_AMOUNT_INVALID',
      '退款金额必须是正整数（分） / The refund must be a positive whole number of fen.',
      {
        field: 'amountFen',
      },
    );
  }
  if (!idempotencyKey || idempotencyKey.length > 200) {
    throw badRequest('IDEMPOTENCY_KEY_INVALID', '缺少幂等键 / An idempotency key is required.', {
      field: 'idempotencyKey',
    });
  }
}

/**
 * Locks the order's payment: concurrent refunds of one order queue here, so the sum checked next
 * is exact. A cash payment not collected yet (货到付款) is refundable too: the refund lowers what is due.
 */
async function lockRefundablePayment(
  tx: Tx,
  communityId: string,
  orderId: string,
  paymentId: string | undefined,
) {
  const paymentRows = await tx
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.communityId, communityId),
        eq(payments.orderId, orderId),
        paymentId ? eq(payments.id, paymentId) : ne(payments.status, 'canceled'),
      ),
    )
    .for('update');
  const payment = paymentRows.find(
    (p) => p.status === 'succeeded' || (p.method === 'cash' && p.status === 'processing'),
  );
  if (!payment) {
    throw preconditionFailed(
      'ORDER_NOT_PAID',
      '该订单没有已完成的付款，无需退款 / This order has no completed payment to refund.',
    );
  }
  return payment;
}

/** A refund never exceeds what was paid minus what is refunded or being refunded. */
async function requireWithinPaid(
  tx: Tx,
  communityId: string,
  payment: typeof payments.$inferSelect,
  amountFen: number,
) {
  const [{ taken } = { taken: 0 }] = await tx
    .select({ taken: sql<number>`coalesce(sum(${refunds.amountFen}), 0)::int` })
    .from(refunds)
    .where(
      and(
        eq(refunds.communityId, communityId),
        eq(refunds.paymentId, payment.id),
        ne(refunds.status, 'failed'),
      ),
    );
  const left = refundableFen(payment.amountFen, Number(taken));
  if (amountFen > left) {
    throw preconditionFailed(
      'REFUND_EXCEEDS_PAID',
      `退款不能超过已付金额减去已退金额（还可退 ${left} 分） / A refund cannot exceed what was paid minus what was already refunded (${left} fen left).`,
      { field: 'amountFen', details: { refundableFen: left, requestedFen: amountFen } },
    );
  }
}

/** The split over order lines: it must add up, and each line's share is recorded on the line. */
async function recordLineRefunds(
  tx: Tx,
  communityId: string,
  orderId: string,
  amountFen: number,
  lines: NonNullable<ReserveRefundInput['lines']>,
) {
  const sum = lines.reduce((s, l) => s + l.amountFen, 0);
  if (sum !== amountFen || lines.some((l) => !Number.isInteger(l.amountFen) || l.amountFen <= 0)) {
    throw badRequest(
      'REFUND_LINES_MISMATCH',
      '各行退款之和必须等于退款金额 / The line refunds must add up to the refund.',
      {
        field: 'lines',
      },
    );
  }
  for (const l of lines) {
    // The CHECK on order_lines keeps a line's refunds within what the line cost.
    const updated = await tx
      .update(orderLines)
      .set({ refundedFen: sql`${orderLines.refundedFen} + ${l.amountFen}` })
      .where(
        and(
          eq(orderLines.communityId, communityId),
          eq(orderLines.orderId, orderId),
          eq(orderLines.id, l.orderLineId),
        ),
      )
      .returning({ id: orderLines.id });
    if (updated.length === 0)
      throw notFound('ORDER_LINE_NOT_FOUND', '订单行不存在 / Order line not found.', { field: 'lines' });
  }
}

function isPermanent(e: unknown): boolean {
  const t = (e as { type?: string } | null)?.type;
  return t === 'StripeInvalidRequestError' || t === 'StripeCardError';
}

/**
 * Sends one pending refund to Stripe (Stripe idempotency key = our key) and records the answer.
 * Safe to call any number of times, from any instance: a settled refund is left alone.
 */
export async function executeRefund(database: Database, refund: RefundRow): Promise<RefundRow> {
  const db = database.db;
  if (refund.status !== 'pending') return refund;
  const [payment] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.communityId, refund.communityId), eq(payments.id, refund.paymentId)));
  if (!payment) throw new Error(`refund ${refund.id}: payment missing`);
  const piId = payment.stripePaymentIntentId;
  if (payment.method === 'cash') {
    // Cash on delivery: the cash goes back by hand, from whoever collected it; nothing goes to Stripe.
    // Before collection nothing changes hands (cash_returned_by stays null): less is due at the door.
    return recordStripeRefund(
      database,
      refund.communityId,
      refund.id,
      { id: null, status: 'succeeded' },
      { cashReturnedBy: payment.collectedBy },
    );
  }
  if (!piId) {
    // A card payment whose intent is not made yet (a demo order before linkDemoPayments ran): it
    // stays pending, and the refunds job sends it once the intent exists.
    const [row] = await db
      .update(refunds)
      .set({ attempts: sql`${refunds.attempts} + 1`, lastError: 'payment has no PaymentIntent yet' })
      .where(
        and(
          eq(refunds.communityId, refund.communityId),
          eq(refunds.id, refund.id),
          eq(refunds.status, 'pending'),
        ),
      )
      .returning();
    return row ?? refund;
  }
  let stripeRefund: Stripe.Refund;
  try {
    stripeRefund = await getStripe().refunds.create(
      {
        payment_intent: piId,
        amount: refund.amountFen,
        metadata: {
          community_id: refund.communityId,
          order_id: refund.orderId,
          refund_id: refund.id,
          reason: refund.reason,
        },
      },
      { idempotencyKey: refund.idempotencyKey },
    );
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const permanent = isPermanent(e);
    const [row] = await transitionRefund(db, refund, permanent ? 'failed' : 'pending', {
      set: { attempts: sql`${refunds.attempts} + 1`, lastError: message.slice(0, 500) },
    });
    if (permanent) {
      console.error(`[payment] refund ${refund.id} refused by Stripe: ${message}`);
      await writeAudit(db, {
        communityId: refund.communityId,
        actorUserId: null,
        action: 'refund.failed',
        entityType: 'order',
        entityId: refund.orderId,
        after: { refundId: refund.id, error: message.slice(0, 500) },
      });
    }
    return row ?? refund;
  }
  return recordStripeRefund(database, refund.communityId, refund.id, stripeRefund);
}

/** Applies Stripe's view of a refund to ours; tells the household once, when it turns succeeded. */
export async function recordStripeRefund(
  database: Database,
  communityId: string,
  refundId: string,
  r: { id: string | null; status: Stripe.Refund['status'] },
  opts: { cashReturnedBy?: string | null } = {},
): Promise<RefundRow> {
  let sms: Parameters<typeof smsOrderNotice>[1] | null = null;
  const row = await inTransaction(database.db, async (tx) => {
    sms = null; // a retried attempt starts over
    const status =
      r.status === 'succeeded'
        ? 'succeeded'
        : r.status === 'failed' || r.status === 'canceled'
          ? 'failed'
          : 'pending';
    const [changed] = await transitionRefund(tx, { communityId, id: refundId }, status, {
      set: {
        stripeRefundId: r.id,
        ...(opts.cashReturnedBy !== undefined ? { cashReturnedBy: opts.cashReturnedBy } : {}),
        attempts: sql`${refunds.attempts} + 1`,
        lastError: null,
        succeededAt: status === 'succeeded' ? new Date() : null,
      },
    });
    if (!changed) {
      const [row] = await tx
        .select()
        .from(refunds)
        .where(and(eq(refunds.communityId, communityId), eq(refunds.id, refundId)));
      return row!;
    }
    if (status === 'succeeded') {
      const [order] = await tx
        .select({
          householdId: orders.householdId,
          placedBy: orders.placedBy,
          relayId: orders.relayId,
          seq: orders.seq,
        })
        .from(orders)
        .where(and(eq(orders.communityId, communityId), eq(orders.id, changed.orderId)));
      if (order) {
        const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
        const relayTitle = await relayTitleOf(tx, communityId, order.relayId);
        await notifyUsers(
          tx,
          userIds.map((userId) => ({
            communityId,
            userId,
            kind: 'order.refunded',
            payload: {
              orderId: changed.orderId,
              relayId: order.relayId,
              relayTitle,
              seq: order.seq,
              amountFen: changed.amountFen,
              amount: yuan(changed.amountFen),
              reason: changed.reason,
              href: ordersHref(communityId),
            },
          })),
        );
        sms = {
          communityId,
          householdId: order.householdId,
          kind: 'order.refunded',
          about: changed.id,
          params: { seq: String(order.seq), title: relayTitle.slice(0, 20), amount: yuan(changed.amountFen) },
        };
      }
      await writeAudit(tx, {
        communityId,
        actorUserId: null,
        action: 'refund.succeeded',
        entityType: 'order',
        entityId: changed.orderId,
        after: { refundId: changed.id, stripeRefundId: r.id, amountFen: changed.amountFen },
      });
    }
    return changed;
  });
  if (sms) await smsOrderNotice(database.db, sms);
  return row;
}

/** Executes refunds this call reserved, a few at a time; returns them settled (or still pending). */
export async function executeRefunds(
  database: Database,
  rows: RefundRow[],
  concurrency = 4,
): Promise<RefundRow[]> {
  const out: RefundRow[] = new Array<RefundRow>(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      try {
        out[i] = await executeRefund(database, rows[i]!);
      } catch (e) {
        console.error('[payment] refund execution failed; the refunds job will retry', e);
        out[i] = rows[i]!;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return out;
}
