import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey, updatedAt } from './_columns';
import { communities, users } from './platform';
import { households, stairwells } from './roster';

/*
 * 不漏一户、不落一人 (DESIGN.md §8): notices read per household, needs and errands for the care
 * registry with one live claim each, and volunteers who sign up and claim task slots.
 */

export const noticeTarget = pgEnum('notice_target', ['compound', 'buildings', 'stairwells']);

/** 通知: one row per notice; who it reached is `notice_receipts`, one row per household. */
export const notices = pgTable(
  'notices',
  {
    ...tenantKey,
    authorUserId: uuid()
      .notNull()
      .references(() => users.id),
    title: text().notNull(),
    body: text().notNull(),
    /** 收到请回复: households are asked to confirm, not only to open it. */
    needsConfirm: boolean().notNull().default(false),
    /** An optional photo (a poster, a map of the testing site), stored under care/<community>/. */
    photoKey: text(),
    target: noticeTarget().notNull(),
    /** Building or stairwell ids for `buildings` / `stairwells`; empty for the compound. */
    targetIds: uuid()
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    householdCount: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.createdAt),
  ],
);

/** A notice's reach: one row per household, written in one INSERT … SELECT. */
export const noticeReceipts = pgTable(
  'notice_receipts',
  {
    communityId: uuid().notNull(),
    noticeId: uuid().notNull(),
    householdId: uuid().notNull(),
    /** Copied from the household so the leader's "who is left" list is one index range. */
    stairwellId: uuid().notNull(),
    readAt: timestamp({ withTimezone: true }),
    readBy: uuid(),
    confirmedAt: timestamp({ withTimezone: true }),
    confirmedBy: uuid(),
    /** 已当面告知: a door knock or a call by the leader. */
    informedAt: timestamp({ withTimezone: true }),
    informedBy: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.noticeId, t.householdId] }),
    foreignKey({
      columns: [t.communityId, t.noticeId],
      foreignColumns: [notices.communityId, notices.id],
    }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    index().on(t.communityId, t.noticeId, t.stairwellId),
    index().on(t.communityId, t.householdId),
  ],
);

export const needKind = pgEnum('need_kind', ['medicine', 'groceries', 'help', 'other']);
export const needUrgency = pgEnum('need_urgency', ['normal', 'urgent']);
export const needStatus = pgEnum('need_status', [
  'open',
  'claimed',
  'bought',
  'delivered',
  'settled',
  'cancelled',
]);
export const needSettlement = pgEnum('need_settlement', ['online', 'cash', 'none']);

/** 需求登记: what a household needs brought to the door (代送上门). */
export const needs = pgTable(
  'needs',
  {
    ...tenantKey,
    householdId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    kind: needKind().notNull(),
    urgency: needUrgency().notNull().default('normal'),
    note: text().notNull().default(''),
    photoKey: text(),
    status: needStatus().notNull().default('open'),
    recordedBy: uuid()
      .notNull()
      .references(() => users.id),
    /** The live claim's volunteer (null while open). */
    claimedBy: uuid().references(() => users.id),
    /** When the live claim started or last progressed: the timeout counts from here. */
    claimedAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    deliveryPhotoKey: text(),
    /** What the volunteer paid out of pocket, in fen. */
    advancedFen: integer().notNull().default(0),
    settlement: needSettlement(),
    settledAt: timestamp({ withTimezone: true }),
    settledBy: uuid(),
    /** The PaymentIntent of an online settlement. */
    paymentIntentId: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    check('needs_advanced_fen_nonneg', sql`${t.advancedFen} >= 0`),
    index().on(t.communityId, t.status, t.createdAt),
    index().on(t.communityId, t.householdId),
    // The claim-expiry sweep across compounds: claimed needs, oldest claim first.
    index('needs_claims_due')
      .on(t.status, t.claimedAt)
      .where(sql`${t.status} = 'claimed'`),
  ],
);

export const needClaimStatus = pgEnum('need_claim_status', [
  'active',
  'bought',
  'delivered',
  'released',
  'expired',
]);

/** Who took a need on, and what became of it. At most one live (active | bought) claim per need. */
export const needClaims = pgTable(
  'need_claims',
  {
    ...tenantKey,
    needId: uuid().notNull(),
    volunteerUserId: uuid()
      .notNull()
      .references(() => users.id),
    status: needClaimStatus().notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.needId],
      foreignColumns: [needs.communityId, needs.id],
    }),
    // One claimant per need, held by the database under concurrent claims.
    uniqueIndex('need_claims_one_live')
      .on(t.communityId, t.needId)
      .where(sql`${t.status} in ('active', 'bought')`),
  ],
);

export const careContactOutcome = pgEnum('care_contact_outcome', ['called', 'visited', 'need_recorded']);

/** 询问需求: a volunteer's call or visit to a care household. */
export const careContacts = pgTable(
  'care_contacts',
  {
    ...tenantKey,
    householdId: uuid().notNull(),
    volunteerUserId: uuid()
      .notNull()
      .references(() => users.id),
    outcome: careContactOutcome().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    index().on(t.communityId, t.householdId, t.createdAt),
  ],
);

export const volunteerRole = pgEnum('volunteer_role', [
  'stairwell',
  'gate',
  'disinfection',
  'testing',
  'delivery',
]);
export const volunteerApplicationStatus = pgEnum('volunteer_application_status', [
  'pending',
  'accepted',
  'declined',
]);

/** 报名当志愿者: a resident's offer; a coordinator accepts it into roles. */
export const volunteerApplications = pgTable(
  'volunteer_applications',
  {
    ...tenantKey,
    userId: uuid()
      .notNull()
      .references(() => users.id),
    skills: text().notNull().default(''),
    availability: text().notNull().default(''),
    status: volunteerApplicationStatus().notNull().default('pending'),
    roles: volunteerRole()
      .array()
      .notNull()
      .default(sql`'{}'::volunteer_role[]`),
    decidedBy: uuid(),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    uniqueIndex('volunteer_applications_one_pending')
      .on(t.communityId, t.userId)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** The roles a volunteer was accepted into (a volunteer may hold several). */
export const volunteerRoles = pgTable(
  'volunteer_roles',
  {
    communityId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    role: volunteerRole().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.userId, t.role] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
  ],
);

/** 任务: a shift with slots ("南门 07:00–11:00, 2 people"). `filled ≤ slots` is held by a CHECK. */
export const volunteerTasks = pgTable(
  'volunteer_tasks',
  {
    ...tenantKey,
    role: volunteerRole().notNull(),
    title: text().notNull(),
    place: text().notNull().default(''),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    slots: integer().notNull(),
    filled: integer().notNull().default(0),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    check('volunteer_tasks_slots_positive', sql`${t.slots} > 0`),
    check('volunteer_tasks_filled_range', sql`${t.filled} >= 0 and ${t.filled} <= ${t.slots}`),
    check('volunteer_tasks_time_order', sql`${t.endsAt} > ${t.startsAt}`),
    index().on(t.communityId, t.startsAt),
  ],
);

export const taskClaimStatus = pgEnum('task_claim_status', ['claimed', 'released']);

export const taskClaims = pgTable(
  'task_claims',
  {
    ...tenantKey,
    taskId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    status: taskClaimStatus().notNull().default('claimed'),
    checkedInAt: timestamp({ withTimezone: true }),
    checkedOutAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.taskId],
      foreignColumns: [volunteerTasks.communityId, volunteerTasks.id],
    }),
    uniqueIndex('task_claims_one_per_person')
      .on(t.communityId, t.taskId, t.userId)
      .where(sql`${t.status} = 'claimed'`),
    index().on(t.communityId, t.userId),
  ],
);
