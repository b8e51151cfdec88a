import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
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
import { products, merchants } from './merchant';
import { communities, users } from './platform';
import { households } from './roster';

export const relayStatus = pgEnum('relay_status', [
  'draft',
  'open',
  'closed',
  'formed',
  'failed',
  'dispatched',
  'arrived',
  'distributing',
  'completed',
  'cancelled',
]);
export const thresholdKind = pgEnum('threshold_kind', ['none', 'households', 'units']);
export const orderStatus = pgEnum('order_status', [
  'pending_payment',
  'paid',
  'fulfilled',
  'short',
  'cancelled',
  'expired',
]);

/** 接龙 / 团购 */
export const relays = pgTable(
  'relays',
  {
    ...tenantKey,
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    /** The merchant member acting as team leader (团长). */
    leaderUserId: uuid()
      .notNull()
      .references(() => users.id),
    title: text().notNull(),
    description: text().notNull().default(''),
    status: relayStatus().notNull().default('draft'),
    opensAt: timestamp({ withTimezone: true }).notNull(),
    closesAt: timestamp({ withTimezone: true }).notNull(),
    deliveryDate: date({ mode: 'string' }).notNull(),
    thresholdKind: thresholdKind().notNull().default('none'),
    thresholdValue: integer().notNull().default(0),
    /** Next 接龙号; only ever incremented, so a number is never reused. */
    nextSeq: integer().notNull().default(1),
    /**
     * Bumped by every change to the chain (join, change, cancel, payment, expiry) in the same
     * transaction; orders carry the version of their last change, so "what changed since N" is one
     * indexed query and the live chain can resume from the last event a phone saw.
     */
    chainVersion: integer().notNull().default(0),
    openedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    /** `cutoff` | `sold_out` | `manual` */
    closeReason: text(),
    /**
     * 提前截单 by hand: until then the merchant may undo the close (closed → open) and the relay is
     * not decided (no 成团 / 未成团, no refund). Null for closes at the cutoff or when sold out.
     */
    closeUndoUntil: timestamp({ withTimezone: true }),
    /** When the relay became formed, failed or cancelled. */
    decidedAt: timestamp({ withTimezone: true }),
    /** Why it failed or was cancelled, in the merchant's words or a stable code (`threshold_not_met`). */
    outcomeReason: text(),
    /** The merchant accepts cash on delivery (货到付款) for this relay, for phone-less care households. */
    cashOnDelivery: boolean().notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.status, t.closesAt),
    index().on(t.merchantId, t.status),
    // The timed sweeps (open, cutoff, settle) look across all compounds for due work: each finds it
    // through a small partial index on (status, due column) instead of scanning every compound's relays.
    index('relays_due_to_open')
      .on(t.status, t.opensAt)
      .where(sql`${t.status} = 'draft'`),
    index('relays_due_to_close')
      .on(t.status, t.closesAt)
      .where(sql`${t.status} = 'open'`),
    index('relays_due_to_settle')
      .on(t.status, t.closedAt)
      .where(sql`${t.status} = 'closed'`),
    check('relays_window', sql`${t.closesAt} > ${t.opensAt}`),
    check('relays_threshold_nonnegative', sql`${t.thresholdValue} >= 0`),
    check('relays_next_seq_positive', sql`${t.nextSeq} >= 1`),
    check('relays_threshold_value', sql`(${t.thresholdKind} = 'none') = (${t.thresholdValue} = 0)`),
  ],
);

export const relayItems = pgTable(
  'relay_items',
  {
    ...tenantKey,
    relayId: uuid().notNull(),
    productId: uuid()
      .notNull()
      .references(() => products.id),
    /** Snapshot of the product when the relay was created. */
    name: text().notNull(),
    spec: text().notNull().default(''),
    unit: text().notNull(),
    unitPriceFen: integer().notNull(),
    /** Null: no cap. */
    stockCap: integer(),
    sold: integer().notNull().default(0),
    perHouseholdLimit: integer(),
    position: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    index().on(t.communityId, t.relayId),
    // The invariant behind "no oversell, ever": even a buggy code path cannot sell past the cap.
    check('relay_items_no_oversell', sql`${t.stockCap} IS NULL OR ${t.sold} <= ${t.stockCap}`),
    check('relay_items_sold_nonnegative', sql`${t.sold} >= 0`),
    check('relay_items_price_nonnegative', sql`${t.unitPriceFen} >= 0`),
    check('relay_items_cap_nonnegative', sql`${t.stockCap} IS NULL OR ${t.stockCap} >= 0`),
    check('relay_items_limit_positive', sql`${t.perHouseholdLimit} IS NULL OR ${t.perHouseholdLimit} > 0`),
  ],
);

/**
 * Units of one item a household holds in active orders of a relay: the row that per-household
 * limits are enforced on with one conditional upsert, so concurrent joins of one household serialize.
 */
export const householdItemTotals = pgTable(
  'household_item_totals',
  {
    communityId: uuid().notNull(),
    relayItemId: uuid().notNull(),
    householdId: uuid().notNull(),
    qty: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.relayItemId, t.householdId] }),
    foreignKey({
      columns: [t.communityId, t.relayItemId],
      foreignColumns: [relayItems.communityId, relayItems.id],
    }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    check('household_item_totals_qty_nonnegative', sql`${t.qty} >= 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    ...tenantKey,
    relayId: uuid().notNull(),
    /** 接龙号 */
    seq: integer().notNull(),
    householdId: uuid().notNull(),
    placedBy: uuid()
      .notNull()
      .references(() => users.id),
    /** 代下单: a volunteer ordered for the household. */
    onBehalf: boolean().notNull().default(false),
    /** 代送上门: a care household; volunteers carry the bag to the door. */
    doorDelivery: boolean().notNull().default(false),
    /**
     * 货到付款: committed without paying online (a phone-less care household, a relay that accepts
     * cash). Such an order is `paid` in the lifecycle — it counts toward 成团 and is packed — while
     * its cash payment stays open until the volunteer collects it at check-off.
     */
    cashOnDelivery: boolean().notNull().default(false),
    status: orderStatus().notNull().default('pending_payment'),
    totalFen: integer().notNull(),
    idempotencyKey: text().notNull(),
    /**
     * Fingerprint of the join request that made the order (household, lines, note): the same key with
     * a different request is refused (IDEMPOTENCY_KEY_MISMATCH), as Stripe does. Null on older orders.
     */
    requestHash: text(),
    /** An unpaid order holds its stock until then. */
    holdUntil: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    cancelledAt: timestamp({ withTimezone: true }),
    /** `resident` | `relay_failed` | `relay_cancelled` | `unpaid_hold_ended` */
    cancelReason: text(),
    /** Increases with every change of quantities; names the refund of that change. */
    revision: integer().notNull().default(0),
    /** `relays.chain_version` when this order last changed. */
    chainVersion: integer().notNull().default(0),
    note: text().notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    unique('orders_relay_seq').on(t.communityId, t.relayId, t.seq),
    unique('orders_idempotency').on(t.communityId, t.placedBy, t.idempotencyKey),
    index().on(t.communityId, t.relayId, t.status),
    index().on(t.communityId, t.relayId, t.chainVersion),
    index().on(t.communityId, t.householdId),
    index()
      .on(t.communityId, t.holdUntil)
      .where(sql`${t.status} = 'pending_payment'`),
    // The expiry sweep across compounds: due unpaid holds, oldest first.
    index('orders_due_to_expire')
      .on(t.status, t.holdUntil)
      .where(sql`${t.status} = 'pending_payment'`),
    check('orders_total_nonnegative', sql`${t.totalFen} >= 0`),
    check('orders_seq_positive', sql`${t.seq} >= 1`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    ...tenantKey,
    orderId: uuid().notNull(),
    relayItemId: uuid().notNull(),
    qty: integer().notNull(),
    unitPriceFen: integer().notNull(),
    /** Set when the delivery is settled; null until then. */
    fulfilledQty: integer(),
    refundedFen: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    foreignKey({
      columns: [t.communityId, t.relayItemId],
      foreignColumns: [relayItems.communityId, relayItems.id],
    }),
    uniqueIndex().on(t.communityId, t.orderId, t.relayItemId),
    index().on(t.communityId, t.relayItemId),
    check('order_lines_qty_positive', sql`${t.qty} > 0`),
    check('order_lines_price_nonnegative', sql`${t.unitPriceFen} >= 0`),
    check(
      'order_lines_fulfilled_range',
      sql`${t.fulfilledQty} IS NULL OR (${t.fulfilledQty} >= 0 AND ${t.fulfilledQty} <= ${t.qty})`,
    ),
    check(
      'order_lines_refund_range',
      sql`${t.refundedFen} >= 0 AND ${t.refundedFen} <= ${t.qty} * ${t.unitPriceFen}`,
    ),
  ],
);
