import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { communities, memberships } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { requireUser } from '@/server/services/shared/access';
import { CommunityId } from '@/server/services/shared/zod';
import { loadHouseholdPlace } from './access';
import { decorateHouseholds, stairwellTeams, type HouseholdView } from './views';

export const GetMyHouseholdInput = z.object({ communityId: CommunityId });
export type GetMyHouseholdInput = z.infer<typeof GetMyHouseholdInput>;

type MyHousehold = {
  community: { id: string; name: string };
  household: HouseholdView;
  /** Who looks after the stairwell: names only, phones go to coordinators (docs/ARCHITECTURE.md, Privacy). */
  team: { name: string; role: 'leader' | 'volunteer' }[];
};

/** The resident's own household: address, headcount, members, and their stairwell's team. */
export async function getMyHousehold({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetMyHouseholdInput;
}): Promise<MyHousehold> {
  requireUser(ctx);
  const [mine] = await ctx.db
    .select({ householdId: memberships.householdId, communityName: communities.name })
    .from(memberships)
    .innerJoin(communities, eq(communities.id, memberships.communityId))
    .where(
      and(
        eq(memberships.communityId, input.communityId),
        eq(memberships.userId, ctx.user.id),
        eq(memberships.role, 'resident'),
      ),
    );
  const place = mine?.householdId
    ? await loadHouseholdPlace(ctx.db, input.communityId, mine.householdId)
    : null;
  if (!mine || !place)
    throw notFound(
      'NO_HOUSEHOLD',
      '您还没有登记住户，请联系楼组长 / You are not registered to a household yet; ask your stairwell leader.',
    );
  const [household] = await decorateHouseholds(ctx.db, input.communityId, [place], 'resident', ctx.user.id);
  const teams = await stairwellTeams(ctx.db, input.communityId, [place.stairwellId], false);
  return {
    community: { id: input.communityId, name: mine.communityName },
    household: household!,
    team: (teams.get(place.stairwellId) ?? []).map((t) => ({ name: t.name, role: t.role })),
  };
}
