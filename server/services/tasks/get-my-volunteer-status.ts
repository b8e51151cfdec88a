import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { volunteerApplications } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { ANY_ROLE, requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';

export const GetMyVolunteerStatusInput = z.object({ communityId: CommunityId });
export type GetMyVolunteerStatusInput = z.infer<typeof GetMyVolunteerStatusInput>;

/** For the resident's home: already a volunteer, an offer pending or declined, or nothing yet. */
export async function getMyVolunteerStatus({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: GetMyVolunteerStatusInput;
}) {
  const input = GetMyVolunteerStatusInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ANY_ROLE);
  const [last] = await actor.ctx.db
    .select({ status: volunteerApplications.status, roles: volunteerApplications.roles })
    .from(volunteerApplications)
    .where(
      and(
        eq(volunteerApplications.communityId, input.communityId),
        eq(volunteerApplications.userId, actor.userId),
      ),
    )
    .orderBy(desc(volunteerApplications.createdAt))
    .limit(1);
  return { volunteer: actor.volunteer, application: last ?? null };
}
