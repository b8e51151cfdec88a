import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { careProfiles } from '@/db/schema';

/** A household on the care registry (it has a care profile). */
export async function isCareHousehold(db: DbOrTx, communityId: string, householdId: string) {
  const [row] = await db
    .select({ id: careProfiles.id })
    .from(careProfiles)
    .where(and(eq(careProfiles.communityId, communityId), eq(careProfiles.householdId, householdId)));
  return !!row;
}
