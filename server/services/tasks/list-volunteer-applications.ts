import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { users, volunteerApplications } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import { COORDINATOR_ROLES } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';

export const ListVolunteerApplicationsInput = z.object({ communityId: CommunityId });
export type ListVolunteerApplicationsInput = z.infer<typeof ListVolunteerApplicationsInput>;

/** Offers waiting for a coordinator, oldest first (coordinators see phones, DESIGN.md §5). */
export async function listVolunteerApplications({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ListVolunteerApplicationsInput;
}) {
  const input = ListVolunteerApplicationsInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, COORDINATOR_ROLES);
  return actor.ctx.db
    .select({
      id: volunteerApplications.id,
      userId: volunteerApplications.userId,
      name: users.name,
      phone: users.phone,
      skills: volunteerApplications.skills,
      availability: volunteerApplications.availability,
      createdAt: volunteerApplications.createdAt,
    })
    .from(volunteerApplications)
    .innerJoin(users, eq(users.id, volunteerApplications.userId))
    .where(
      and(
        eq(volunteerApplications.communityId, input.communityId),
        eq(volunteerApplications.status, 'pending'),
      ),
    )
    .orderBy(asc(volunteerApplications.createdAt));
}
