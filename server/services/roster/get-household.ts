import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { householdAccess, type RosterAccess } from './access';
import { decorateHouseholds, stairwellTeams, type HouseholdView, type TeamMemberView } from './views';

export const GetHouseholdInput = z.object({ communityId: CommunityId, householdId: Id });
export type GetHouseholdInput = z.infer<typeof GetHouseholdInput>;

type HouseholdDetail = { access: RosterAccess; household: HouseholdView; team: TeamMemberView[] };

/**
 * One household as the caller may see it: coordinators everything; the stairwell's volunteers
 * names and the care profile; the household's own residents their members (their own phone only).
 * Anyone else: NOT_FOUND.
 */
export async function getHousehold({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetHouseholdInput;
}): Promise<HouseholdDetail> {
  const { ctx: authed, place, access } = await householdAccess(ctx, input.communityId, input.householdId);
  const [household] = await decorateHouseholds(authed.db, input.communityId, [place], access, authed.user.id);
  const teams = await stairwellTeams(
    authed.db,
    input.communityId,
    [place.stairwellId],
    access === 'coordinator',
  );
  return { access, household: household!, team: teams.get(place.stairwellId) ?? [] };
}
