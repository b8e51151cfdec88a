import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  memberships,
  stairwellAssignments,
  stairwells,
  volunteerApplications,
  volunteerRoles,
} from '@/db/schema';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import { COORDINATOR_ROLES } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { VOLUNTEER_ROLES } from './rules';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionVolunteerApplication } from './lifecycle';

export const DecideVolunteerApplicationInput = z.object({
  communityId: CommunityId,
  applicationId: Id,
  decision: z.enum(['accept', 'decline']),
  roles: z.array(z.enum(VOLUNTEER_ROLES)).max(VOLUNTEER_ROLES.length).default([]),
  /** For the stairwell role: the stairwell they will serve. */
  stairwellId: Id.optional(),
});
export type DecideVolunteerApplicationInput = z.input<typeof DecideVolunteerApplicationInput>;

/**
 * A coordinator accepts an offer into roles (stairwell volunteer, gate, disinfection, testing
 * site, delivery) — the person becomes a volunteer of the compound, seated on the stairwell when
 * one is given — or declines it. Deciding twice is PRECONDITION_FAILED.
 */
export async function decideVolunteerApplication({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: DecideVolunteerApplicationInput;
}) {
  const input = DecideVolunteerApplicationInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, COORDINATOR_ROLES);
  const roles = [...new Set(input.roles)];
  if (input.decision === 'accept' && roles.length === 0)
    throw badRequest('VOLUNTEER_ROLE_REQUIRED', '请至少选择一个岗位 / Choose at least one role.', {
      field: 'roles',
    });
  const c = input.communityId;
  return inTransaction(actor.ctx.db, async (tx) => {
    const [app] = await tx
      .select()
      .from(volunteerApplications)
      .where(and(eq(volunteerApplications.communityId, c), eq(volunteerApplications.id, input.applicationId)))
      .for('update');
    if (!app) throw notFound('VOLUNTEER_APPLICATION_NOT_FOUND', '找不到该报名 / Application not found.');
    if (app.status !== 'pending')
      throw preconditionFailed(
        'VOLUNTEER_APPLICATION_DECIDED',
        '这份报名已处理 / This offer was already decided.',
      );
    const now = ctx.now();
    const status = input.decision === 'accept' ? ('accepted' as const) : ('declined' as const);
    await transitionVolunteerApplication(tx, { communityId: c, id: app.id }, status, {
      from: ['pending'],
      set: { roles: input.decision === 'accept' ? roles : [], decidedBy: actor.userId, decidedAt: now },
    });
    if (input.decision === 'accept') {
      await tx
        .insert(memberships)
        .values({ communityId: c, userId: app.userId, role: 'volunteer' })
        .onConflictDoNothing();
      await tx
        .insert(volunteerRoles)
        .values(roles.map((role) => ({ communityId: c, userId: app.userId, role })))
        .onConflictDoNothing();
      if (roles.includes('stairwell') && input.stairwellId) {
        const [sw] = await tx
          .select({ id: stairwells.id })
          .from(stairwells)
          .where(and(eq(stairwells.communityId, c), eq(stairwells.id, input.stairwellId)));
        if (!sw) throw notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');
        await tx
          .insert(stairwellAssignments)
          .values({ communityId: c, stairwellId: sw.id, userId: app.userId, role: 'volunteer' })
          .onConflictDoNothing();
      }
    }
    await writeAudit(tx, {
      communityId: c,
      actorUserId: actor.userId,
      action: `volunteer.${input.decision}`,
      entityType: 'volunteer_application',
      entityId: app.id,
      before: { status: app.status },
      after: { status, roles, stairwellId: input.stairwellId ?? null },
    });
    await notifyUsers(tx, [
      {
        communityId: c,
        userId: app.userId,
        kind: `volunteer.${status}`,
        payload: { roles, href: `/v/${c}/tasks` },
      },
    ]);
    return { id: app.id, status, roles };
  });
}
