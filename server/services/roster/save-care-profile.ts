import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { careProfiles } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id, SafeString } from '@/server/services/shared/zod';
import { householdNotFound, loadHouseholdPlace, requireCoordinator } from './access';
import { CareCategoryEnum } from './fields';
import { CARE_CATEGORIES, LIMITS, type CareCategory } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const SaveCareProfileInput = z.object({
  communityId: CommunityId,
  householdId: Id,
  categories: z.array(CareCategoryEnum).min(1).max(CARE_CATEGORIES.length),
  notes: SafeString.max(LIMITS.notesLength).optional(),
  doorDelivery: z.boolean().optional(),
});
export type SaveCareProfileInput = z.infer<typeof SaveCareProfileInput>;

/**
 * Puts a household on the care registry (特殊人群信息库) or updates its entry. The audit row records
 * that the notes changed, not what they say: health details stay in one restricted place.
 */
export async function saveCareProfile({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SaveCareProfileInput;
}): Promise<{ householdId: string; categories: CareCategory[]; doorDelivery: boolean; notes: string }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const categories = [...new Set(input.categories)];
  const notes = (input.notes ?? '').trim();
  const c = input.communityId;
  return inTransaction(authed.db, async (tx) => {
    if (!(await loadHouseholdPlace(tx, c, input.householdId))) throw householdNotFound();
    const [before] = await tx
      .select({
        categories: careProfiles.categories,
        doorDelivery: careProfiles.doorDelivery,
        notes: careProfiles.notes,
      })
      .from(careProfiles)
      .where(and(eq(careProfiles.communityId, c), eq(careProfiles.householdId, input.householdId)))
      .for('update');
    const doorDelivery = input.doorDelivery ?? before?.doorDelivery ?? true;
    const values = { categories, notes, doorDelivery, updatedBy: authed.user.id, updatedAt: ctx.now() };
    await tx
      .insert(careProfiles)
      .values({ communityId: c, householdId: input.householdId, ...values })
      .onConflictDoUpdate({ target: [careProfiles.communityId, careProfiles.householdId], set: values });
    await writeAudit(tx, {
      communityId: c,
      actorUserId: authed.user.id,
      action: 'care_profile.save',
      entityType: 'household',
      entityId: input.householdId,
      before: before ? { categories: before.categories, doorDelivery: before.doorDelivery } : null,
      after: { categories, doorDelivery, notesChanged: (before?.notes ?? '') !== notes },
    });
    return { householdId: input.householdId, categories, doorDelivery, notes };
  });
}
