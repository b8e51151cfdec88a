/**
 * Who may see what of the roster. Coordinators (admin, owner) see everything, phones included;
 * a volunteer sees the households of the stairwells assigned to them (names, rooms, care profiles,
 * never phones); a resident sees their own household. Anything else reads as not found.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { buildings, households, stairwells } from '@/db/schema';
import {
  assignedStairwellIds,
  COORDINATOR_ROLES,
  myMemberships,
  requireRole,
  requireUser,
} from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';

export type HouseholdPlace = {
  id: string;
  stairwellId: string;
  buildingId: string;
  buildingNumber: string;
  stairwellNumber: string;
  floor: number;
  room: string;
  headcount: number;
};

export type RosterAccess = 'coordinator' | 'volunteer' | 'resident';

export async function requireCoordinator(ctx: ServiceContext, communityId: string): Promise<AuthedContext> {
  await requireRole(ctx, communityId, COORDINATOR_ROLES);
  return ctx as AuthedContext;
}

/** Coordinators and volunteers pass; residents and outsiders are refused (FORBIDDEN). */
export async function requireStaff(ctx: ServiceContext, communityId: string) {
  const mine = await requireRole(ctx, communityId, ['volunteer', ...COORDINATOR_ROLES]);
  return { ctx: ctx as AuthedContext, coordinator: mine.some((m) => COORDINATOR_ROLES.includes(m.role)) };
}

export const householdNotFound = () => notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.');
export const stairwellNotFound = () => notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
export const buildingNotFound = () => notFound('BUILDING_NOT_FOUND', '找不到该楼栋 / Building not found.');

export async function loadHouseholdPlace(
  db: DbOrTx,
  communityId: string,
  householdId: string,
): Promise<HouseholdPlace | null> {
  const [row] = await db
    .select({
      id: households.id,
      stairwellId: households.stairwellId,
      buildingId: stairwells.buildingId,
      buildingNumber: buildings.number,
      stairwellNumber: stairwells.number,
      floor: households.floor,
      room: households.room,
      headcount: households.headcount,
    })
    .from(households)
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, households.communityId), eq(stairwells.id, households.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(and(eq(households.communityId, communityId), eq(households.id, householdId)));
  return row ?? null;
}

/**
 * The strongest reason the caller may look at this household, or NOT_FOUND: a household outside
 * one's scope must not even be confirmed to exist.
 */
export async function householdAccess(
  ctx: ServiceContext,
  communityId: string,
  householdId: string,
): Promise<{ ctx: AuthedContext; place: HouseholdPlace; access: RosterAccess }> {
  requireUser(ctx);
  const place = await loadHouseholdPlace(ctx.db, communityId, householdId);
  const mine = await myMemberships(ctx, communityId);
  if (!place) throw householdNotFound();
  if (mine.some((m) => COORDINATOR_ROLES.includes(m.role))) return { ctx, place, access: 'coordinator' };
  if (mine.some((m) => m.role === 'volunteer')) {
    const assigned = await assignedStairwellIds(ctx.db, ctx.user.id, communityId);
    if (assigned.includes(place.stairwellId)) return { ctx, place, access: 'volunteer' };
  }
  if (mine.some((m) => m.role === 'resident' && m.householdId === householdId))
    return { ctx, place, access: 'resident' };
  throw householdNotFound();
}

/** Coordinators, or a volunteer assigned to this stairwell; NOT_FOUND for anyone else. */
export async function stairwellAccess(ctx: ServiceContext, communityId: string, stairwellId: string) {
  const { ctx: authed, coordinator } = await requireStaff(ctx, communityId);
  const [row] = await authed.db
    .select({
      id: stairwells.id,
      number: stairwells.number,
      buildingNumber: buildings.number,
      routeOrder: stairwells.routeOrder,
    })
    .from(stairwells)
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(and(eq(stairwells.communityId, communityId), eq(stairwells.id, stairwellId)));
  if (!row) throw stairwellNotFound();
  if (!coordinator) {
    const assigned = await assignedStairwellIds(authed.db, authed.user.id, communityId);
    if (!assigned.includes(stairwellId)) throw stairwellNotFound();
  }
  return { ctx: authed, coordinator, stairwell: row };
}
