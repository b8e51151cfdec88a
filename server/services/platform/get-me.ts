import { and, asc, eq, inArray } from 'drizzle-orm';
import {
  buildings,
  communities,
  households,
  memberships,
  merchantMembers,
  merchants,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';
import { requireUser, type Role } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import type { DbOrTx } from '@/db/client';
import { unauthorized } from '@/server/services/shared/errors';
import { countUnreadNotifications } from './notifications';

type MeHousehold = { id: string; building: string; stairwell: string; floor: number; room: string };
type MeStairwell = { id: string; building: string; stairwell: string; role: 'leader' | 'volunteer' };
export type MeCommunity = {
  id: string;
  name: string;
  district: string;
  /** Highest first: owner, admin, volunteer, resident. */
  roles: Role[];
  household: MeHousehold | null;
  stairwells: MeStairwell[];
};
type MeMerchant = { id: string; displayName: string; legalName: string; role: 'owner' | 'staff' };
export type Me = {
  user: { id: string; name: string; phone: string | null; locale: string; bigText: boolean };
  communities: MeCommunity[];
  merchants: MeMerchant[];
  unreadNotifications: number;
};

const ROLE_ORDER: Role[] = ['owner', 'admin', 'volunteer', 'resident'];

/**
 * Everything the shell needs about the signed-in person: where they belong and in which role, the
 * merchants they work for, and how many notifications they have not read.
 */
export async function getMe({ ctx }: { ctx: ServiceContext; input: Record<string, never> }): Promise<Me> {
  requireUser(ctx);
  const userId = ctx.user.id;
  const [user] = await ctx.db
    .select({
      id: users.id,
      name: users.name,
      phone: users.phone,
      locale: users.locale,
      bigText: users.bigText,
    })
    .from(users)
    .where(eq(users.id, userId));
  // The session names a person who no longer exists: treat it as signed out.
  if (!user) throw unauthorized('AUTH_REQUIRED', '请先登录 / Please sign in first.');
  const byId = await myCommunities(ctx.db, userId);
  await addMyStairwells(ctx.db, userId, byId);
  const mine = await ctx.db
    .select({
      id: merchants.id,
      displayName: merchants.displayName,
      legalName: merchants.legalName,
      role: merchantMembers.role,
    })
    .from(merchantMembers)
    .innerJoin(merchants, eq(merchants.id, merchantMembers.merchantId))
    .where(eq(merchantMembers.userId, userId))
    .orderBy(asc(merchants.displayName));
  return {
    user,
    communities: [...byId.values()],
    merchants: mine,
    unreadNotifications: await countUnreadNotifications({ ctx, input: {} }),
  };
}

/** The compounds the person belongs to, by id: roles highest first, and their household there. */
async function myCommunities(db: DbOrTx, userId: string): Promise<Map<string, MeCommunity>> {
  const rows = await db
    .select({
      communityId: memberships.communityId,
      name: communities.name,
      district: communities.district,
      role: memberships.role,
      householdId: households.id,
      floor: households.floor,
      room: households.room,
      stairwell: stairwells.number,
      building: buildings.number,
    })
    .from(memberships)
    .innerJoin(communities, eq(communities.id, memberships.communityId))
    .leftJoin(
      households,
      and(eq(households.communityId, memberships.communityId), eq(households.id, memberships.householdId)),
    )
    .leftJoin(
      stairwells,
      and(eq(stairwells.communityId, households.communityId), eq(stairwells.id, households.stairwellId)),
    )
    .leftJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(eq(memberships.userId, userId))
    .orderBy(asc(communities.name));

  const byId = new Map<string, MeCommunity>();
  for (const r of rows) {
    let c = byId.get(r.communityId);
    if (!c) {
      c = {
        id: r.communityId,
        name: r.name,
        district: r.district,
        roles: [],
        household: null,
        stairwells: [],
      };
      byId.set(r.communityId, c);
    }
    if (!c.roles.includes(r.role)) c.roles.push(r.role);
    if (r.householdId && !c.household) {
      c.household = {
        id: r.householdId,
        building: r.building!,
        stairwell: r.stairwell!,
        floor: r.floor!,
        room: r.room!,
      };
    }
  }
  for (const c of byId.values()) c.roles.sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
  return byId;
}

/** The stairwells the person leads or volunteers for, in route order, onto their compounds. */
async function addMyStairwells(db: DbOrTx, userId: string, byId: Map<string, MeCommunity>) {
  const communityIds = [...byId.keys()];
  if (communityIds.length === 0) return;
  const assigned = await db
    .select({
      communityId: stairwellAssignments.communityId,
      id: stairwells.id,
      role: stairwellAssignments.role,
      stairwell: stairwells.number,
      building: buildings.number,
      route: stairwells.routeOrder,
    })
    .from(stairwellAssignments)
    .innerJoin(
      stairwells,
      and(
        eq(stairwells.communityId, stairwellAssignments.communityId),
        eq(stairwells.id, stairwellAssignments.stairwellId),
      ),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(
      and(inArray(stairwellAssignments.communityId, communityIds), eq(stairwellAssignments.userId, userId)),
    )
    .orderBy(asc(stairwells.routeOrder));
  for (const a of assigned) {
    byId
      .get(a.communityId)
      ?.stairwells.push({ id: a.id, building: a.building, stairwell: a.stairwell, role: a.role });
  }
}
