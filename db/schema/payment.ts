import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey, updatedAt } from './_columns';
import { orders } from './relay';

export const paymentStatus = pgEnum('payment_status', [
  'requires_payment_method',
  'processing',
  'succeeded',
  'failed',
  'canceled',
]);
export const refundStatus = pgEnum('refund_status', ['pending', 'succeeded', 'failed']);
/** How an order is paid: through Stripe (`card`, `wechat_pay`, `alipay`) or cash at the door. */
export const paymentMethod = pgEnum('payment_method', ['card', 'wechat_pay', 'alipay', 'cash']);

/**
 * One live payment per order: a Stripe PaymentIntent for the method the payer chose on the pay
 * page, or (method `cash`, no intent) cash collected at the door. When an unpaid order's
 * quantities drop, or the payer switches method, its intent is cancelled and a new one made; the
 * old row stays (status `canceled`) so a webhook about it is still recognised.
 */
export const payments = pgTable(
  'payments',
  {
    ...tenantKey,
    orderId: uuid().notNull(),
    /** Null for cash. */
    stripePaymentIntentId: text(),
    method: paymentMethod().notNull().default('card'),
    /** Who chose the method and paid (代付: may be a volunteer or family member, not the household). */
    payerUserId: uuid(),
    /** Cash: the volunteer who collected it at check-off (holds it until handed to the merchant). */
    collectedBy: uuid(),
    /** Cash: what the volunteer recorded collecting (≠ what was due → the bag is an exception). */
    cashCollectedFen: integer(),
    cashCollectedAt: timestamp({ withTimezone: true }),
    amountFen: integer().notNull(),
    currency: text().notNull().default('cny'),
    status: paymentStatus().notNull().default('requires_payment_method'),
    /** Stripe's decline code or message of the last failed attempt. */
    lastError: text(),
    succeededAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    uniqueIndex('payments_one_live_per_order')
      .on(t.communityId, t.orderId)
      .where(sql`${t.status} <> 'canceled'`),
    index().on(t.communityId, t.orderId),
    unique().on(t.communityId, t.stripePaymentIntentId),
    check('payments_amount_positive', sql`${t.amountFen} > 0`),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    ...tenantKey,
    orderId: uuid().notNull(),
    paymentId: uuid().notNull(),
    amountFen: integer().notNull(),
    /** `relay_failed`, `order_cancelled`, `shortfall`, `problem_accepted`, … */
    reason: text().notNull(),
    /** Deterministic per cause, so a retried settlement cannot refund twice. */
    idempotencyKey: text().notNull(),
    stripeRefundId: text(),
    /** Cash refunds: the person who handed the cash back (no Stripe refund). */
    cashReturnedBy: uuid(),
    status: refundStatus().notNull().default('pending'),
    /** Who asked (null for the system: a failed relay, an expired hold). */
    requestedBy: uuid(),
    attempts: integer().notNull().default(0),
    lastError: text(),
    succeededAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    foreignKey({
      columns: [t.communityId, t.paymentId],
      foreignColumns: [payments.communityId, payments.id],
    }),
    unique().on(t.communityId, t.idempotencyKey),
    index().on(t.communityId, t.orderId),
    index()
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} = 'pending'`),
    check('refunds_amount_positive', sql`${t.amountFen} > 0`),
  ],
);

/** Reference table: each Stripe event id is handled once, whichever compound it concerns. */
export const stripeEvents = pgTable('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp({ withTimezone: true }),
  /** The compound the event concerned, when it named one (metadata.community_id). */
  communityId: uuid(),
});
