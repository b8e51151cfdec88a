import { isCareHousehold } from '@/server/services/care/care-household';
import type { Actor } from '@/server/services/roster/actor';
import { householdNotFound, loadHouseholdPlace, type HouseholdPlace } from '@/server/services/roster/access';

/**
 * Who may record a need for a household: a coordinator for any; a resident for their own; a
 * volunteer for a care household of a stairwell they serve (the care registry's own rule).
 * Anyone else — and any household of another compound — gets NOT_FOUND.
 */
export async function householdForNeed(
  actor: Actor,
  communityId: string,
  householdId: string,
): Promise<HouseholdPlace> {
  const place = await loadHouseholdPlace(actor.ctx.db, communityId, householdId);
  if (!place) throw householdNotFound();
  if (actor.coordinator || actor.householdIds.includes(householdId)) return place;
  if (
    actor.volunteer &&
    actor.assigned.includes(place.stairwellId) &&
    (await isCareHousehold(actor.ctx.db, communityId, householdId))
  )
    return place;
  throw householdNotFound();
}
