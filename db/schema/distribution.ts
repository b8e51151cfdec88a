import { relations, sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey, updatedAt } from './_columns';
import { merchants } from './merchant';
import { communities, users } from './platform';
import { orders, relayItems, relays } from './relay';
import { households, stairwells } from './roster';

/*
 * From the merchant's truck to every door (docs/ARCHITECTURE.md):
 *   delivery (dispatched → arrived) ─► batch (received → disinfecting → released → distributing → completed)
 *   ─► bags, one per paid order (pending → delivered | exception; exception → delivered | refunded)
 * plus what residents report and what the merchant could not deliver (shortfalls).
 */

export const deliveryStatus = pgEnum('delivery_status', ['dispatched', 'arrived']);
export const batchStatus = pgEnum('batch_status', [
  'received',
  'disinfecting',
  'released',
  'distributing',
  'completed',
]);
export const disinfectionMethod = pgEnum('disinfection_method', ['spray', 'wipe', 'uv']);
export const bagStatus = pgEnum('bag_status', ['pending', 'delivered', 'exception', 'refunded']);
export const bagExceptionKind = pgEnum('bag_exception_kind', [
  'nobody_home',
  'damaged',
  'item_missing',
  'wrong_bag',
  /** 货到付款: the cash collected at the door is not what the order owes. */
  'cash_mismatch',
]);
/** `undone`: a check-off taken back by the volunteer within the undo window (the check-off row stays). */
export const bagOutcome = pgEnum('bag_outcome', ['delivered', 'exception', 'undone']);
export const problemKind = pgEnum('problem_kind', ['missing_item', 'damaged_item', 'other']);
export const problemStatus = pgEnum('problem_status', ['open', 'accepted', 'rejected']);

/** One truck run of a merchant to one compound's gate. */
export const deliveries = pgTable(
  'deliveries',
  {
    ...tenantKey,
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    status: deliveryStatus().notNull().default('dispatched'),
    /** What the merchant promised; "on time" on the board compares the arrival with it. */
    eta: timestamp({ withTimezone: true }).notNull(),
    vehiclePlate: text().notNull().default(''),
    driverName: text().notNull().default(''),
    driverPhone: text().notNull().default(''),
    dispatchedBy: uuid()
      .notNull()
      .references(() => users.id),
    dispatchedAt: timestamp({ withTimezone: true }).notNull(),
    arrivedAt: timestamp({ withTimezone: true }),
    packageCount: integer(),
    /** The gate volunteer who recorded the hand-over. */
    receivedBy: uuid().references(() => users.id),
    /** Who physically took the goods (may be a guard without an account). */
    receivedByName: text(),
    remarks: text().notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.status),
    index().on(t.merchantId, t.dispatchedAt),
    check('deliveries_package_count', sql`${t.packageCount} IS NULL OR ${t.packageCount} >= 0`),
    check(
      'deliveries_arrival_recorded',
      sql`(${t.status} = 'dispatched') OR (${t.arrivedAt} IS NOT NULL AND ${t.packageCount} IS NOT NULL)`,
    ),
  ],
);

/** The relays on one truck; a relay travels once. */
export const deliveryRelays = pgTable(
  'delivery_relays',
  {
    ...tenantKey,
    deliveryId: uuid().notNull(),
    relayId: uuid().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.deliveryId],
      foreignColumns: [deliveries.communityId, deliveries.id],
    }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    unique('delivery_relays_relay_once').on(t.communityId, t.relayId),
    index().on(t.communityId, t.deliveryId),
  ],
);

/** What arrived on one truck, disinfected and released together (one disinfection record per batch). */
export const batches = pgTable(
  'batches',
  {
    ...tenantKey,
    deliveryId: uuid().notNull(),
    status: batchStatus().notNull().default('received'),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
    receivedBy: uuid()
      .notNull()
      .references(() => users.id),
    // The disinfection record (消杀记录); null until recorded, recorded once.
    disinfectionAgent: text(),
    concentration: text(),
    method: disinfectionMethod(),
    /** The server's clock when the record was made: the dwell counts from here. */
    disinfectionStartedAt: timestamp({ withTimezone: true }),
    dwellSeconds: integer(),
    operatorUserId: uuid().references(() => users.id),
    operatorName: text(),
    disinfectionPhotoKey: text(),
    releasedAt: timestamp({ withTimezone: true }),
    releasedBy: uuid().references(() => users.id),
    distributingAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.deliveryId],
      foreignColumns: [deliveries.communityId, deliveries.id],
    }),
    unique('batches_one_per_delivery').on(t.communityId, t.deliveryId),
    index().on(t.communityId, t.status),
    check('batches_dwell_nonnegative', sql`${t.dwellSeconds} IS NULL OR ${t.dwellSeconds} >= 0`),
    check(
      'batches_disinfected_before_leaving_received',
      sql`${t.status} = 'received' OR (${t.disinfectionStartedAt} IS NOT NULL AND ${t.dwellSeconds} IS NOT NULL AND ${t.method} IS NOT NULL)`,
    ),
    // The invariant behind "no bag leaves before the dwell time": even a buggy code path cannot release early.
    check(
      'batches_release_after_dwell',
      sql`${t.releasedAt} IS NULL OR ${t.releasedAt} >= ${t.disinfectionStartedAt} + make_interval(secs => ${t.dwellSeconds})`,
    ),
    check(
      'batches_released_state',
      sql`${t.status} IN ('received', 'disinfecting') OR ${t.releasedAt} IS NOT NULL`,
    ),
  ],
);

/** One bag per paid order: what a volunteer carries to a door. Its label QR names the order (bag-code.ts). */
export const bags = pgTable(
  'bags',
  {
    ...tenantKey,
    batchId: uuid().notNull(),
    orderId: uuid().notNull(),
    relayId: uuid().notNull(),
    householdId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    status: bagStatus().notNull().default('pending'),
    /** Server time of the last check-off that delivered it, and who did it. */
    deliveredAt: timestamp({ withTimezone: true }),
    deliveredBy: uuid().references(() => users.id),
    /** The volunteer phone's clock at the check-off (an offline check-off syncs later). */
    clientAt: timestamp({ withTimezone: true }),
    exceptionKind: bagExceptionKind(),
    exceptionNote: text(),
    exceptionAt: timestamp({ withTimezone: true }),
    exceptionBy: uuid().references(() => users.id),
    photoKey: text(),
    confirmedAt: timestamp({ withTimezone: true }),
    confirmedBy: uuid().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.batchId], foreignColumns: [batches.communityId, batches.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique('bags_one_per_order').on(t.communityId, t.orderId),
    index().on(t.communityId, t.batchId, t.status),
    index().on(t.communityId, t.stairwellId, t.status),
    index().on(t.communityId, t.householdId),
    check('bags_delivered_has_time', sql`${t.status} <> 'delivered' OR ${t.deliveredAt} IS NOT NULL`),
    check('bags_exception_has_kind', sql`${t.status} <> 'exception' OR ${t.exceptionKind} IS NOT NULL`),
  ],
);

/**
 * 短码: the 6-character code printed large on a bag's label and typed at check-off when the QR
 * cannot be read. One per bag (= paid order), unique per compound and delivery day (the relay's
 * `delivery_date`), so a volunteer reads at most one match. Made at dispatch or when labels are
 * printed, whichever comes first (distribution/bag-short-codes.ts).
 */
export const bagCodes = pgTable(
  'bag_codes',
  {
    communityId: uuid().notNull(),
    orderId: uuid().notNull(),
    deliveryDate: date({ mode: 'string' }).notNull(),
    code: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.orderId] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    unique('bag_codes_code_per_day').on(t.communityId, t.deliveryDate, t.code),
    check('bag_codes_code_shape', sql`${t.code} ~ '^[0-9A-Z]{6}$'`),
  ],
);

/**
 * Every check-off, keyed by the id the volunteer's phone generated for it: a replayed offline
 * check-off hits the primary key and changes nothing.
 */
export const bagEvents = pgTable(
  'bag_events',
  {
    communityId: uuid().notNull(),
    /** The client check-off id (UUID made on the phone). */
    id: uuid().notNull(),
    bagId: uuid().notNull(),
    actorUserId: uuid()
      .notNull()
      .references(() => users.id),
    outcome: bagOutcome().notNull(),
    exceptionKind: bagExceptionKind(),
    note: text(),
    fromStatus: bagStatus().notNull(),
    toStatus: bagStatus().notNull(),
    /** Scanned (`scan`) or tapped (`tap`). */
    via: text().notNull().default('tap'),
    clientAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.bagId], foreignColumns: [bags.communityId, bags.id] }),
    index().on(t.communityId, t.bagId),
    index().on(t.communityId, t.receivedAt),
  ],
);

/** A resident's report about a bag (missing or damaged item), decided by the merchant. */
export const problemReports = pgTable(
  'problem_reports',
  {
    ...tenantKey,
    bagId: uuid().notNull(),
    orderId: uuid().notNull(),
    householdId: uuid().notNull(),
    reportedBy: uuid()
      .notNull()
      .references(() => users.id),
    kind: problemKind().notNull(),
    /** The item concerned, when the report is about one. */
    relayItemId: uuid(),
    qty: integer(),
    description: text().notNull().default(''),
    photoKey: text(),
    /** The phone's key for this report, so a retried submit files one report. */
    idempotencyKey: text().notNull(),
    status: problemStatus().notNull().default('open'),
    refundFen: integer(),
    decidedBy: uuid().references(() => users.id),
    decidedAt: timestamp({ withTimezone: true }),
    decisionNote: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.bagId], foreignColumns: [bags.communityId, bags.id] }),
    foreignKey({ columns: [t.communityId, t.orderId], foreignColumns: [orders.communityId, orders.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({
      columns: [t.communityId, t.relayItemId],
      foreignColumns: [relayItems.communityId, relayItems.id],
    }),
    unique('problem_reports_idempotency').on(t.communityId, t.reportedBy, t.idempotencyKey),
    index().on(t.communityId, t.orderId),
    index().on(t.communityId, t.status),
    check('problem_reports_qty_positive', sql`${t.qty} IS NULL OR ${t.qty} > 0`),
    check('problem_reports_refund_positive', sql`${t.refundFen} IS NULL OR ${t.refundFen} > 0`),
    check('problem_reports_accepted_refund', sql`${t.status} <> 'accepted' OR ${t.refundFen} IS NOT NULL`),
  ],
);

export type ShortfallAllocation = {
  orderId: string;
  seq: number;
  householdId: string;
  orderedQty: number;
  fulfilledQty: number;
  shortQty: number;
  refundFen: number;
};

/**
 * What the merchant could deliver of one relay item, and who goes short (first come, first served
 * by 接龙号). One row per relay item: a relay's delivery is settled once.
 */
export const shortfalls = pgTable(
  'shortfalls',
  {
    ...tenantKey,
    relayId: uuid().notNull(),
    relayItemId: uuid().notNull(),
    orderedQty: integer().notNull(),
    deliveredQty: integer().notNull(),
    unitPriceFen: integer().notNull(),
    allocations: jsonb().$type<ShortfallAllocation[]>().notNull().default([]),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    foreignKey({
      columns: [t.communityId, t.relayItemId],
      foreignColumns: [relayItems.communityId, relayItems.id],
    }),
    unique('shortfalls_once_per_item').on(t.communityId, t.relayItemId),
    index().on(t.communityId, t.relayId),
    check('shortfalls_delivered_range', sql`${t.deliveredQty} >= 0 AND ${t.deliveredQty} <= ${t.orderedQty}`),
    check('shortfalls_price_nonnegative', sql`${t.unitPriceFen} >= 0`),
  ],
);

export const deliveriesRelations = relations(deliveries, ({ many }) => ({
  relays: many(deliveryRelays),
  batches: many(batches),
}));
export const deliveryRelaysRelations = relations(deliveryRelays, ({ one }) => ({
  delivery: one(deliveries, {
    fields: [deliveryRelays.communityId, deliveryRelays.deliveryId],
    references: [deliveries.communityId, deliveries.id],
  }),
}));
export const batchesRelations = relations(batches, ({ one, many }) => ({
  delivery: one(deliveries, {
    fields: [batches.communityId, batches.deliveryId],
    references: [deliveries.communityId, deliveries.id],
  }),
  bags: many(bags),
}));
export const bagsRelations = relations(bags, ({ one, many }) => ({
  batch: one(batches, {
    fields: [bags.communityId, bags.batchId],
    references: [batches.communityId, batches.id],
  }),
  events: many(bagEvents),
}));
export const bagEventsRelations = relations(bagEvents, ({ one }) => ({
  bag: one(bags, {
    fields: [bagEvents.communityId, bagEvents.bagId],
    references: [bags.communityId, bags.id],
  }),
}));
