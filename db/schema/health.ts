import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  numeric,
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
import { buildings, households, stairwells } from './roster';

/*
 * Health rounds (issue 14, DESIGN.md §8), from the article's three daily routines:
 *   - the 抗原自测 tally: a round of kind `self_test`, one row per stairwell (金山表单's columns);
 *   - the 核酸 call-out: a round of kind `testing`, buildings called in order (叫到哪栋哪栋动);
 *   - 一戴三查 at the gate: outings of a household (out, back in), kept 14 days.
 * A round's status changes only through server/services/health/transition.ts.
 */

export const healthRoundKind = pgEnum('health_round_kind', ['self_test', 'testing']);
export const healthRoundStatus = pgEnum('health_round_status', ['open', 'closed', 'cancelled']);
export const testingBuildingStatus = pgEnum('testing_building_status', [
  'queued',
  'called',
  'done',
  'skipped',
]);

export const healthRounds = pgTable(
  'health_rounds',
  {
    ...tenantKey,
    kind: healthRoundKind().notNull(),
    status: healthRoundStatus().notNull().default('open'),
    title: text().notNull(),
    openedBy: uuid()
      .notNull()
      .references(() => users.id),
    openedAt: timestamp({ withTimezone: true }).notNull(),
    /** Self-test: submissions are accepted strictly before this instant. */
    deadlineAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.kind, t.openedAt),
    check('health_rounds_deadline', sql`${t.kind} <> 'self_test' OR ${t.deadlineAt} IS NOT NULL`),
  ],
);

/** One stairwell's row of the self-test form: 楼道号, 实际人数, 阴性人数, 异常人数, 无效人数, 填报人, 填报时间. */
export const selfTestReports = pgTable(
  'self_test_reports',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    actual: integer().notNull(),
    negative: integer().notNull(),
    abnormal: integer().notNull(),
    invalid: integer().notNull(),
    /** Why 实际人数 differs from the roster (people away, guests staying). */
    reason: text().notNull().default(''),
    submittedBy: uuid()
      .notNull()
      .references(() => users.id),
    submittedAt: timestamp({ withTimezone: true }).notNull(),
    revision: integer().notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique('self_test_reports_one_per_stairwell').on(t.communityId, t.roundId, t.stairwellId),
    check(
      'self_test_reports_counts',
      sql`${t.actual} >= 0 AND ${t.negative} >= 0 AND ${t.abnormal} >= 0 AND ${t.invalid} >= 0 AND ${t.negative} + ${t.abnormal} + ${t.invalid} <= ${t.actual}`,
    ),
  ],
);

/** A household's own results (optional): the leader's form starts from their sum. */
export const selfTestHouseholdReports = pgTable(
  'self_test_household_reports',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    householdId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    negative: integer().notNull(),
    abnormal: integer().notNull(),
    invalid: integer().notNull(),
    reportedBy: uuid()
      .notNull()
      .references(() => users.id),
    reportedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique('self_test_household_reports_once').on(t.communityId, t.roundId, t.householdId),
    check(
      'self_test_household_reports_counts',
      sql`${t.negative} >= 0 AND ${t.abnormal} >= 0 AND ${t.invalid} >= 0 AND ${t.negative} + ${t.abnormal} + ${t.invalid} > 0`,
    ),
  ],
);

/** 异常 reported by a stairwell: a follow-up for the coordinators only (never shown to anyone else). */
export const selfTestFollowUps = pgTable(
  'self_test_follow_ups',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    /** Known when the household reported its own result. */
    householdId: uuid(),
    abnormal: integer().notNull(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: uuid().references(() => users.id),
    note: text().notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    unique('self_test_follow_ups_one_per_stairwell').on(t.communityId, t.roundId, t.stairwellId),
    check('self_test_follow_ups_abnormal', sql`${t.abnormal} > 0`),
  ],
);

/** The call order of a testing session, one row per building (叫到哪栋哪栋动). */
export const testingBuildings = pgTable(
  'testing_buildings',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    buildingId: uuid().notNull(),
    position: integer().notNull(),
    status: testingBuildingStatus().notNull().default('queued'),
    calledAt: timestamp({ withTimezone: true }),
    /** How many times it was called (a recall calls it again). */
    calls: integer().notNull().default(0),
    doneAt: timestamp({ withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.buildingId],
      foreignColumns: [buildings.communityId, buildings.id],
    }),
    unique('testing_buildings_once').on(t.communityId, t.roundId, t.buildingId),
    unique('testing_buildings_position').on(t.communityId, t.roundId, t.position),
  ],
);

/** A stairwell sampled at the site; `walkIns` = residents registered there without a code (无码登记). */
export const testingStairwells = pgTable(
  'testing_stairwells',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    stairwellId: uuid().notNull(),
    doneAt: timestamp({ withTimezone: true }).notNull(),
    doneBy: uuid()
      .notNull()
      .references(() => users.id),
    walkIns: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique('testing_stairwells_once').on(t.communityId, t.roundId, t.stairwellId),
    check('testing_stairwells_walk_ins', sql`${t.walkIns} >= 0`),
  ],
);

/** Door-to-door sampling (上门采样) of a household from the care registry, checked off. */
export const testingHomeVisits = pgTable(
  'testing_home_visits',
  {
    ...tenantKey,
    roundId: uuid().notNull(),
    householdId: uuid().notNull(),
    doneAt: timestamp({ withTimezone: true }).notNull(),
    doneBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.roundId],
      foreignColumns: [healthRounds.communityId, healthRounds.id],
    }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    unique('testing_home_visits_once').on(t.communityId, t.roundId, t.householdId),
  ],
);

/** Who may keep the gate register, and when (on duty = now within [startsAt, endsAt)). */
export const gateDuties = pgTable(
  'gate_duties',
  {
    ...tenantKey,
    userId: uuid()
      .notNull()
      .references(() => users.id),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    assignedBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    index().on(t.communityId, t.userId, t.endsAt),
    check('gate_duties_window', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * One outing of a household (一戴三查): out, then back in. Deleted 14 days after its last time by
 * the gate-purge job (personal movement data is kept no longer than that).
 */
export const gateEntries = pgTable(
  'gate_entries',
  {
    ...tenantKey,
    householdId: uuid().notNull(),
    outAt: timestamp({ withTimezone: true }).notNull(),
    outBy: uuid()
      .notNull()
      .references(() => users.id),
    outNote: text().notNull().default(''),
    inAt: timestamp({ withTimezone: true }),
    inBy: uuid().references(() => users.id),
    inNote: text().notNull().default(''),
    /** 一戴: wore a mask at the gate. */
    maskOk: boolean().notNull().default(true),
    /** 体温 in °C at the last check, when taken. */
    temperature: numeric({ precision: 3, scale: 1 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    index().on(t.communityId, t.householdId, t.outAt),
    index().on(t.communityId, t.outAt),
    // A household is out at most once at a time: a double scan "out" cannot open a second outing.
    uniqueIndex('gate_entries_open')
      .on(t.communityId, t.householdId)
      .where(sql`${t.inAt} is null`),
    check('gate_entries_order', sql`${t.inAt} IS NULL OR ${t.inAt} >= ${t.outAt}`),
  ],
);
