import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { households } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { stairwellAccess } from './access';
import {
  decorateHouseholds,
  householdOrder,
  householdsWithPlace,
  stairwellTeams,
  type HouseholdView,
  type TeamMemberView,
} from './views';

export const ListHouseholdsInput = z.object({ communityId: CommunityId, stairwellId: Id });
export type ListHouseholdsInput = z.infer<typeof ListHouseholdsInput>;

type StairwellHouseholds = {
  stairwell: { id: string; number: string; buildingNumber: string; routeOrder: number };
  team: TeamMemberView[];
  households: HouseholdView[];
};

/** One stairwell's households: coordinators, or the volunteers assigned to it (no phones for them). */
export async function listHouseholds({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListHouseholdsInput;
}): Promise<StairwellHouseholds> {
  const {
    ctx: authed,
    coordinator,
    stairwell,
  } = await stairwellAccess(ctx, input.communityId, input.stairwellId);
  const rows = await householdsWithPlace(authed.db)
    .where(and(eq(households.communityId, input.communityId), eq(households.stairwellId, input.stairwellId)))
    .orderBy(...householdOrder);
  const access = coordinator ? 'coordinator' : 'volunteer';
  const [views, teams] = await Promise.all([
    decorateHouseholds(authed.db, input.communityId, rows, access),
    stairwellTeams(authed.db, input.communityId, [input.stairwellId], coordinator),
  ]);
  return { stairwell, team: teams.get(input.stairwellId) ?? [], households: views };
}
