import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { careProfiles } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { inTransaction } from '@/server/services/shared/tx';

export const DeleteCareProfileInput = z.object({ communityId: CommunityId, householdId: Id });
export type DeleteCareProfileInput = z.infer<typeof DeleteCareProfileInput>;

/** Takes a household off the care registry (moved away, recovered, entered by mistake). */
export async function deleteCareProfile({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: DeleteCareProfileInput;
}): Promise<{ removed: true }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  return inTransaction(authed.db, async (tx) => {
    const [removed] = await tx
      .delete(careProfiles)
      .where(and(eq(careProfiles.communityId, c), eq(careProfiles.householdId, input.householdId)))
      .returning({ categories: careProfiles.categories, doorDelivery: careProfiles.doorDelivery });
    if (!removed)
      throw notFound(
        'CARE_PROFILE_NOT_FOUND',
        '该住户不在关怀名单上 / This household is not on the care registry.',
      );
    await writeAudit(tx, {
      communityId: c,
      actorUserId: authed.user.id,
      action: 'care_profile.delete',
      entityType: 'household',
      entityId: input.householdId,
      before: removed,
    });
    return { removed: true as const };
  });
}
