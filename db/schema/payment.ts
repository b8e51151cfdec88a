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

/** One Stripe PaymentIntent per order. */
export const payments = pgTable(
  'payments',
  {
    ...tenantKey,
    orderId: uuid().notNull(),
    stripePaymentIntentId: text().notNull(),
    amountFen: integer().notNull(),
    currency: text().notNull().default('cny'),
    status: paymentStatus().notNull().default('requires_payment_method'),
    lastError: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    unique().on(t.communityId, t.orderId),
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
    status: refundStatus().notNull().default('pending'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    unique().on(t.communityId, t.idempotencyKey),
    index().on(t.communityId, t.orderId),
    check('refunds_amount_positive', sql`${t.amountFen} > 0`),
  ],
);

/** Reference table: each Stripe event id is handled once, whichever compound it concerns. */
export const stripeEvents = pgTable('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp({ withTimezone: true }),
});
