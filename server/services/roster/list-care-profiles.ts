import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { careProfiles, households } from '@/db/schema';
import { assignedStairwellIds } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireStaff } from './access';
import { CareCategoryEnum } from './fields';
import type { CareCategory } from './rules';
import { decorateHouseholds, householdOrder, householdsWithPlace, type HouseholdView } from './views';

export const ListCareProfilesInput = z.object({
  communityId: CommunityId,
  category: CareCategoryEnum.optional(),
  stairwellId: Id.optional(),
});
export type ListCareProfilesInput = z.infer<typeof ListCareProfilesInput>;

type CareRegistry = {
  households: HouseholdView[];
  counts: Record<CareCategory, number>;
  total: number;
};

/**
 * The care registry (特殊人群信息库): every care household for coordinators, the ones in their own
 * stairwells for volunteers. Residents never get here (FORBIDDEN).
 */
export async function listCareProfiles({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListCareProfilesInput;
}): Promise<CareRegistry> {
  const { ctx: authed, coordinator } = await requireStaff(ctx, input.communityId);
  const c = input.communityId;
  const scope = coordinator ? null : await assignedStairwellIds(authed.db, authed.user.id, c);
  if (scope && scope.length === 0) return { households: [], counts: emptyCounts(), total: 0 };
  const rows = await householdsWithPlace(authed.db)
    .innerJoin(
      careProfiles,
      and(eq(careProfiles.communityId, households.communityId), eq(careProfiles.householdId, households.id)),
    )
    .where(
      and(
        eq(households.communityId, c),
        input.category ? arrayContains(careProfiles.categories, [input.category]) : undefined,
        scope ? inArray(households.stairwellId, scope) : undefined,
        input.stairwellId ? eq(households.stairwellId, input.stairwellId) : undefined,
      ),
    )
    .orderBy(...householdOrder);
  const views = await decorateHouseholds(authed.db, c, rows, coordinator ? 'coordinator' : 'volunteer');
  // Counts over the caller's whole scope (not the category filter), for the filter chips.
  const all = await authed.db
    .select({ categories: careProfiles.categories })
    .from(careProfiles)
    .innerJoin(
      households,
      and(eq(households.communityId, careProfiles.communityId), eq(households.id, careProfiles.householdId)),
    )
    .where(and(eq(careProfiles.communityId, c), scope ? inArray(households.stairwellId, scope) : undefined));
  const counts = emptyCounts();
  for (const p of all) for (const cat of p.categories) counts[cat] += 1;
  return { households: views, counts, total: all.length };
}

function emptyCounts(): Record<CareCategory, number> {
  return {
    elderly_alone: 0,
    disability: 0,
    chronic_illness: 0,
    infant: 0,
    no_smartphone: 0,
    pregnant: 0,
    other: 0,
  };
}
