import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { forbidden } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { householdAccess, requireStaff } from './access';
import { decorateHouseholds, type CareView, type HouseholdView } from './views';

export const GetCareProfileInput = z.object({ communityId: CommunityId, householdId: Id });
export type GetCareProfileInput = z.infer<typeof GetCareProfileInput>;

/**
 * One household's care profile: coordinators and the volunteers of that household's stairwell.
 * Residents are refused outright (FORBIDDEN), other volunteers see NOT_FOUND.
 */
export async function getCareProfile({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetCareProfileInput;
}): Promise<{ household: HouseholdView; care: CareView | null }> {
  await requireStaff(ctx, input.communityId);
  const { ctx: authed, place, access } = await householdAccess(ctx, input.communityId, input.householdId);
  if (access === 'resident')
    throw forbidden(
      'CARE_PROFILE_RESTRICTED',
      '关怀信息仅限管理员和本楼道志愿者查看 / Care profiles are for coordinators and this stairwell’s volunteers.',
    );
  const [household] = await decorateHouseholds(authed.db, input.communityId, [place], access);
  return { household: household!, care: household!.care ?? null };
}
