import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, households, stairwellAssignments, stairwells } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';
import { requireStaff } from './access';
import type { AssignmentRole } from './rules';
import {
  decorateHouseholds,
  householdOrder,
  householdsWithPlace,
  stairwellTeams,
  type HouseholdView,
  type TeamMemberView,
} from './views';

export const ListMyStairwellsInput = z.object({ communityId: CommunityId });
export type ListMyStairwellsInput = z.infer<typeof ListMyStairwellsInput>;

type MyStairwell = {
  id: string;
  number: string;
  buildingNumber: string;
  routeOrder: number;
  myRole: AssignmentRole;
  team: TeamMemberView[];
  households: HouseholdView[];
  careHouseholds: number;
};

/**
 * The volunteer's home: the stairwells assigned to them, in route order, with their households
 * (names, rooms, headcount, care profile; no phones). Care households come first within a floor
 * only in the UI; here the order is the delivery route.
 */
export async function listMyStairwells({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListMyStairwellsInput;
}): Promise<MyStairwell[]> {
  const { ctx: authed } = await requireStaff(ctx, input.communityId);
  const c = input.communityId;
  const mine = await authed.db
    .select({
      id: stairwells.id,
      number: stairwells.number,
      buildingNumber: buildings.number,
      routeOrder: stairwells.routeOrder,
      myRole: stairwellAssignments.role,
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
    .where(and(eq(stairwellAssignments.communityId, c), eq(stairwellAssignments.userId, authed.user.id)))
    .orderBy(asc(stairwells.routeOrder));
  if (mine.length === 0) return [];
  const ids = mine.map((s) => s.id);
  const rows = await householdsWithPlace(authed.db)
    .where(and(eq(households.communityId, c), inArray(households.stairwellId, ids)))
    .orderBy(...householdOrder);
  // On this screen the person is acting as a volunteer: no phones, even for a coordinator who also carries bags.
  const [views, teams] = await Promise.all([
    decorateHouseholds(authed.db, c, rows, 'volunteer'),
    stairwellTeams(authed.db, c, ids, false),
  ]);
  return mine.map((s) => {
    const hs = views.filter((h) => h.stairwellId === s.id);
    return {
      ...s,
      team: teams.get(s.id) ?? [],
      households: hs,
      careHouseholds: hs.filter((h) => h.care).length,
    };
  });
}
