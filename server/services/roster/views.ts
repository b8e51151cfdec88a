/**
 * The shapes the roster shows, built in one place so that phones and care notes are cut the same
 * way on every screen: phones go to coordinators only, care profiles to coordinators and the
 * stairwell's own volunteers, never to residents.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  buildings,
  careProfiles,
  households,
  memberships,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';
import type { RosterAccess } from './access';
import type { AssignmentRole, CareCategory } from './rules';

type ResidentView = { userId: string; name: string; phone: string | null; hasPhone: boolean };
export type CareView = { categories: CareCategory[]; doorDelivery: boolean; notes: string; updatedAt: Date };
export type HouseholdView = {
  id: string;
  buildingId: string;
  buildingNumber: string;
  stairwellId: string;
  stairwellNumber: string;
  floor: number;
  room: string;
  headcount: number;
  residents: ResidentView[];
  /** Undefined for those who may not see care profiles; null when the household has none. */
  care?: CareView | null;
};
export type TeamMemberView = {
  assignmentId: string;
  userId: string;
  name: string;
  phone: string | null;
  role: AssignmentRole;
};

const CHUNK = 1000;

async function inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

const householdColumns = {
  id: households.id,
  buildingId: stairwells.buildingId,
  buildingNumber: buildings.number,
  stairwellId: households.stairwellId,
  stairwellNumber: stairwells.number,
  floor: households.floor,
  room: households.room,
  headcount: households.headcount,
  routeOrder: stairwells.routeOrder,
};

/** households ⋈ stairwells ⋈ buildings, for a `where` over any of the three. */
export function householdsWithPlace(db: DbOrTx) {
  return db
    .select(householdColumns)
    .from(households)
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, households.communityId), eq(stairwells.id, households.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    );
}

export const householdOrder = [
  asc(stairwells.routeOrder),
  asc(households.floor),
  asc(households.room),
] as const;

/**
 * Residents and care profiles for these households, cut to what `access` may see.
 * `selfUserId` keeps a resident's own phone visible to them.
 */
export async function decorateHouseholds(
  db: DbOrTx,
  communityId: string,
  rows: Omit<HouseholdView, 'residents' | 'care'>[],
  access: RosterAccess,
  selfUserId?: string,
): Promise<HouseholdView[]> {
  const ids = rows.map((r) => r.id);
  const residents = await inChunks(ids, (chunk) =>
    db
      .select({
        householdId: memberships.householdId,
        userId: users.id,
        name: users.name,
        phone: users.phone,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.communityId, communityId),
          eq(memberships.role, 'resident'),
          inArray(memberships.householdId, chunk),
        ),
      )
      .orderBy(asc(memberships.createdAt), asc(users.name)),
  );
  const byHousehold = new Map<string, ResidentView[]>();
  for (const r of residents) {
    const list = byHousehold.get(r.householdId!) ?? [];
    const showPhone = access === 'coordinator' || r.userId === selfUserId;
    list.push({
      userId: r.userId,
      name: r.name,
      phone: showPhone ? r.phone : null,
      hasPhone: r.phone !== null,
    });
    byHousehold.set(r.householdId!, list);
  }
  let care: Map<string, CareView> | null = null;
  if (access !== 'resident') {
    const profiles = await inChunks(ids, (chunk) =>
      db
        .select({
          householdId: careProfiles.householdId,
          categories: careProfiles.categories,
          doorDelivery: careProfiles.doorDelivery,
          notes: careProfiles.notes,
          updatedAt: careProfiles.updatedAt,
        })
        .from(careProfiles)
        .where(and(eq(careProfiles.communityId, communityId), inArray(careProfiles.householdId, chunk))),
    );
    care = new Map(
      profiles.map((p) => [
        p.householdId,
        { categories: p.categories, doorDelivery: p.doorDelivery, notes: p.notes, updatedAt: p.updatedAt },
      ]),
    );
  }
  return rows.map((r) => ({
    id: r.id,
    buildingId: r.buildingId,
    buildingNumber: r.buildingNumber,
    stairwellId: r.stairwellId,
    stairwellNumber: r.stairwellNumber,
    floor: r.floor,
    room: r.room,
    headcount: r.headcount,
    residents: byHousehold.get(r.id) ?? [],
    ...(care ? { care: care.get(r.id) ?? null } : {}),
  }));
}

/** Leaders and volunteers of these stairwells; phones only when `withPhones`. */
export async function stairwellTeams(
  db: DbOrTx,
  communityId: string,
  stairwellIds: string[],
  withPhones: boolean,
): Promise<Map<string, TeamMemberView[]>> {
  const rows = await inChunks(stairwellIds, (chunk) =>
    db
      .select({
        stairwellId: stairwellAssignments.stairwellId,
        assignmentId: stairwellAssignments.id,
        userId: users.id,
        name: users.name,
        phone: users.phone,
        role: stairwellAssignments.role,
      })
      .from(stairwellAssignments)
      .innerJoin(users, eq(users.id, stairwellAssignments.userId))
      .where(
        and(
          eq(stairwellAssignments.communityId, communityId),
          inArray(stairwellAssignments.stairwellId, chunk),
        ),
      )
      .orderBy(asc(stairwellAssignments.role), asc(stairwellAssignments.createdAt)),
  );
  const out = new Map<string, TeamMemberView[]>();
  for (const r of rows) {
    const list = out.get(r.stairwellId) ?? [];
    list.push({
      assignmentId: r.assignmentId,
      userId: r.userId,
      name: r.name,
      phone: withPhones ? r.phone : null,
      role: r.role,
    });
    out.set(r.stairwellId, list);
  }
  return out;
}
