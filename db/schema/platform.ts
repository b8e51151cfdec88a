import { relations, sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey } from './_columns';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

export type CommunitySettings = {
  /** Minutes a disinfected batch must rest before release. */
  disinfectionDwellMinutes: number;
  /** Minutes an unpaid order holds its stock. */
  unpaidHoldMinutes: number;
  /**
   * Minutes an unpaid order placed on behalf of a care household (代下单) holds its stock: the
   * payer is a volunteer or a relative who may only get to it later (default 120).
   */
  careHoldMinutes?: number;
  /** Days after which a care household nobody called or visited is flagged (default 3, issue 15). */
  careContactDays?: number;
};

export const DEFAULT_COMMUNITY_SETTINGS: CommunitySettings = {
  disinfectionDwellMinutes: 30,
  unpaidHoldMinutes: 15,
};

/** Reference table: small (one row per compound) and read by every shard. */
export const communities = pgTable('communities', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  district: text().notNull(),
  timezone: text().notNull().default(DEFAULT_TIME_ZONE),
  currency: text().notNull().default('CNY'),
  settings: jsonb().$type<CommunitySettings>().notNull().default(DEFAULT_COMMUNITY_SETTINGS),
  createdAt: createdAt(),
});

/** Reference table: people are global, their roles are per community (memberships). */
export const users = pgTable('users', {
  id: uuid().primaryKey().defaultRandom(),
  /** E.164, e.g. +8613800138000; null for residents without a phone of their own. */
  phone: text().unique(),
  name: text().notNull(),
  locale: text().notNull().default('zh-CN'),
  /** 大字: the person asked for larger type; follows them to every phone they sign in on. */
  bigText: boolean().notNull().default(false),
  birthYear: integer(),
  /** Bumped by "sign out everywhere": every session issued under an older version ends. */
  sessionVersion: integer().notNull().default(0),
  createdAt: createdAt(),
});

/** Reference table: one-time sign-in codes, keyed by phone, never by community. */
export const otpChallenges = pgTable(
  'otp_challenges',
  {
    id: uuid().primaryKey().defaultRandom(),
    phone: text().notNull(),
    codeHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    attempts: integer().notNull().default(0),
    consumedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index().on(t.phone, t.createdAt)],
);

/** Reference table: changes to global records (merchant applications, users). */
export const globalAuditLog = pgTable('global_audit_log', {
  id: uuid().primaryKey().defaultRandom(),
  actorUserId: uuid(),
  action: text().notNull(),
  entityType: text().notNull(),
  entityId: text().notNull(),
  before: jsonb(),
  after: jsonb(),
  at: createdAt(),
});

/** Tenant table: every change inside a compound, written in the transaction that makes it. */
export const auditLog = pgTable(
  'audit_log',
  {
    ...tenantKey,
    actorUserId: uuid(),
    action: text().notNull(),
    entityType: text().notNull(),
    entityId: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    at: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.entityType, t.entityId),
  ],
);

export const notifications = pgTable(
  'notifications',
  {
    ...tenantKey,
    userId: uuid()
      .notNull()
      .references(() => users.id),
    /** Stable kind, e.g. `order.paid`; the UI translates it with `payload`. */
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    readAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.userId, t.createdAt),
    // The bell and the list read one person's notifications across compounds (a merchant hears from
    // every compound it applied to), newest first; unread ones are the hot part.
    index('notifications_user_unread')
      .on(t.userId, t.createdAt)
      .where(sql`${t.readAt} is null`),
    index('notifications_user_created').on(t.userId, t.createdAt),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  notifications: many(notifications),
}));
