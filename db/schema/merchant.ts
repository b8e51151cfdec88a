import { sql } from 'drizzle-orm';
import {
  boolean,
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
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey, updatedAt } from './_columns';
import { communities, users } from './platform';

export const merchantKind = pgEnum('merchant_kind', [
  'supermarket',
  'farm_coop',
  'wholesaler',
  'restaurant',
  'other',
]);
export const merchantMemberRole = pgEnum('merchant_member_role', ['owner', 'staff']);
export const documentKind = pgEnum('document_kind', [
  'business_licence',
  'food_permit',
  'vehicle_pass',
  'other',
]);
export const admissionStatus = pgEnum('admission_status', [
  'draft',
  'submitted',
  'changes_requested',
  'approved',
  'rejected',
  'suspended',
  'expired',
]);

/** Reference table: a merchant's application data is global; admission is per compound. */
export const merchants = pgTable('merchants', {
  id: uuid().primaryKey().defaultRandom(),
  legalName: text().notNull().default(''),
  displayName: text().notNull().default(''),
  kind: merchantKind().notNull().default('other'),
  /** 统一社会信用代码, GB 32100-2015. */
  creditCode: text(),
  contactName: text(),
  contactPhone: text(),
  foodPermitNo: text(),
  foodPermitExpiresOn: date({ mode: 'string' }),
  vehiclePlate: text(),
  driverName: text(),
  driverPhone: text(),
  vehiclePassExpiresOn: date({ mode: 'string' }),
  /** The Stripe methods this merchant accepts on the pay page (`card`, `wechat_pay`, `alipay`). */
  paymentMethods: text()
    .array()
    .notNull()
    .default(sql`'{wechat_pay,alipay,card}'::text[]`),
  createdBy: uuid()
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Reference table. */
export const merchantMembers = pgTable(
  'merchant_members',
  {
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    role: merchantMemberRole().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.userId] }),
    index().on(t.userId),
    // Exactly one person answers for a merchant: only the owner manages the team and the application.
    uniqueIndex('merchant_members_one_owner')
      .on(t.merchantId)
      .where(sql`${t.role} = 'owner'`),
  ],
);

/** Reference table: staff health attestations (person, date of last negative test). */
export const healthAttestations = pgTable(
  'health_attestations',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    personName: text().notNull(),
    lastNegativeTestOn: date({ mode: 'string' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.merchantId)],
);

/** Reference table: stored files (content addressed by sha256, kept behind a storage interface). */
export const merchantDocuments = pgTable(
  'merchant_documents',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    kind: documentKind().notNull(),
    storageKey: text().notNull(),
    fileName: text().notNull(),
    mimeType: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    expiresOn: date({ mode: 'string' }),
    uploadedBy: uuid()
      .notNull()
      .references(() => users.id),
    /** Set when a newer document of the same kind replaces this one. */
    supersededAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.merchantId, t.kind), check('merchant_documents_size', sql`${t.sizeBytes} > 0`)],
);

/** Tenant table: one compound's decision about one merchant (核查准入). */
export const admissions = pgTable(
  'admissions',
  {
    ...tenantKey,
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    status: admissionStatus().notNull().default('draft'),
    /** Reason of the last reject / suspend decision. */
    reason: text(),
    /** Per-field change requests: `{ creditCode: "…", documents.food_permit: "…" }`. */
    fieldRequests: jsonb().$type<Record<string, string>>().notNull().default({}),
    submittedAt: timestamp({ withTimezone: true }),
    decidedBy: uuid(),
    decidedAt: timestamp({ withTimezone: true }),
    /** When the timed job (or a relay check) found a required document past its date. */
    expiredAt: timestamp({ withTimezone: true }),
    /**
     * Application fields or documents the merchant changed after the compound's last decision,
     * so a coordinator sees what an approval no longer covers. Cleared by the next decision.
     */
    changedFields: jsonb().$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    unique().on(t.communityId, t.merchantId),
    index().on(t.communityId, t.status),
    // The expiry sweep looks across all compounds for approved admissions of merchants whose
    // permit lapsed: a small partial index on the approved ones, not a scan of every compound's.
    index('admissions_due_to_expire')
      .on(t.status, t.merchantId)
      .where(sql`${t.status} = 'approved'`),
  ],
);

/** Reference table: the merchant's catalog. Never deleted once a relay used it (deactivate instead). */
export const products = pgTable(
  'products',
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: uuid()
      .notNull()
      .references(() => merchants.id),
    name: text().notNull(),
    /** e.g. 5kg/袋 */
    spec: text().notNull().default(''),
    unit: text().notNull(),
    priceFen: integer().notNull(),
    category: text().notNull().default(''),
    /** Storage key of the photo (server-generated) and the type its bytes were sniffed as. */
    imageKey: text(),
    imageMimeType: text(),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index().on(t.merchantId),
    check('products_price_nonnegative', sql`${t.priceFen} >= 0`),
    check('products_name_present', sql`length(trim(${t.name})) > 0`),
  ],
);
