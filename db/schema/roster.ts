import { relations, sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  boolean,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey, updatedAt } from './_columns';
import { communities, users } from './platform';

export const membershipRole = pgEnum('membership_role', ['resident', 'volunteer', 'admin', 'owner']);
export const assignmentRole = pgEnum('assignment_role', ['leader', 'volunteer']);
export const careCategory = pgEnum('care_category', [
  'elderly_alone',
  'disability',
  'chronic_illness',
  'infant',
  'no_smartphone',
  'pregnant',
  'other',
]);

/** 楼栋 */
export const buildings = pgTable(
  'buildings',
  {
    ...tenantKey,
    /** As painted on the wall: "3", "12A". */
    number: text().notNull(),
    routeOrder: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    unique().on(t.communityId, t.number),
  ],
);

/** 楼道 / 单元: the unit volunteers work in (一楼一组一群). */
export const stairwells = pgTable(
  'stairwells',
  {
    ...tenantKey,
    buildingId: uuid().notNull(),
    number: text().notNull(),
    /** Position in the compound-wide delivery route. */
    routeOrder: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.buildingId],
      foreignColumns: [buildings.communityId, buildings.id],
    }),
    unique().on(t.communityId, t.buildingId, t.number),
  ],
);

/** 户 */
export const households = pgTable(
  'households',
  {
    ...tenantKey,
    stairwellId: uuid().notNull(),
    floor: integer().notNull(),
    room: text().notNull(),
    headcount: integer().notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique().on(t.communityId, t.stairwellId, t.room),
    check('households_headcount_positive', sql`${t.headcount} > 0`),
    check('households_floor_range', sql`${t.floor} between -5 and 200`),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    ...tenantKey,
    userId: uuid()
      .notNull()
      .references(() => users.id),
    role: membershipRole().notNull(),
    /** Set for residents. */
    householdId: uuid(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    unique().on(t.communityId, t.userId, t.role),
    index().on(t.userId),
    index().on(t.communityId, t.householdId),
    check('memberships_resident_household', sql`(${t.role} <> 'resident') OR (${t.householdId} IS NOT NULL)`),
  ],
);

export const stairwellAssignments = pgTable(
  'stairwell_assignments',
  {
    ...tenantKey,
    stairwellId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    role: assignmentRole().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.stairwellId],
      foreignColumns: [stairwells.communityId, stairwells.id],
    }),
    unique().on(t.communityId, t.stairwellId, t.userId),
    index().on(t.communityId, t.userId),
    // 一楼一组: one leader per stairwell, held by the database so two coordinators cannot both appoint one.
    uniqueIndex('stairwell_assignments_one_leader')
      .on(t.communityId, t.stairwellId)
      .where(sql`${t.role} = 'leader'`),
  ],
);

/** 特殊人群信息库: restricted; coordinators and the household's stairwell volunteers only. */
export const careProfiles = pgTable(
  'care_profiles',
  {
    ...tenantKey,
    householdId: uuid().notNull(),
    categories: careCategory().array().notNull(),
    /** Restricted notes (health, access to the flat). Never shown to residents or merchants. */
    notes: text().notNull().default(''),
    /** Deliver to the door (代送上门). */
    doorDelivery: boolean().notNull().default(true),
    updatedBy: uuid(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    unique().on(t.communityId, t.householdId),
    check('care_profiles_has_category', sql`cardinality(${t.categories}) > 0`),
  ],
);

export const buildingsRelations = relations(buildings, ({ many }) => ({ stairwells: many(stairwells) }));
export const stairwellsRelations = relations(stairwells, ({ one, many }) => ({
  building: one(buildings, {
    fields: [stairwells.communityId, stairwells.buildingId],
    references: [buildings.communityId, buildings.id],
  }),
  households: many(households),
}));
export const householdsRelations = relations(households, ({ one }) => ({
  stairwell: one(stairwells, {
    fields: [households.communityId, households.stairwellId],
    references: [stairwells.communityId, stairwells.id],
  }),
}));
