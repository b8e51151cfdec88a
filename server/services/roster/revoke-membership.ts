import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, stairwellAssignments } from '@/db/schema';
import { membershipsIn } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { StaffRoleEnum } from './fields';
import { canGrantRole } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const RevokeMembershipInput = z.object({ communityId: CommunityId, userId: Id, role: StaffRoleEnum });
export type RevokeMembershipInput = z.infer<typeof RevokeMembershipInput>;

/**
 * Takes a team role away. Only the owner takes away admin and owner roles, and the compound is
 * never left without an owner. A person who stops volunteering leaves their stairwells too.
 */
export async function revokeMembership({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RevokeMembershipInput;
}): Promise<{ revoked: true; stairwellsLeft: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const mine = await membershipsIn(authed.db, authed.user.id, c);
  if (
    !canGrantRole(
      mine.map((m) => m.role),
      input.role,
    )
  ) {
    throw forbidden('OWNER_ONLY', '只有群主可以撤销管理员 / Only the owner can remove admins and owners.');
  }
  return inTransaction(authed.db, async (tx) => {
    if (input.role === 'owner') {
      // Serialize owner removals so two owners cannot remove each other at the same moment.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'owners:' + c}))`);
      const owners = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.communityId, c), eq(memberships.role, 'owner')));
      if (owners.length === 1 && owners[0]!.userId === input.userId) {
        throw preconditionFailed(
          'LAST_OWNER',
          '小区至少要有一位群主，请先任命新群主 / A compound needs an owner: appoint another one first.',
        );
      }
    }
    const removed = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.communityId, c),
          eq(memberships.userId, input.userId),
          eq(memberships.role, input.role),
        ),
      )
      .returning({ id: memberships.id });
    if (removed.length === 0)
      throw notFound('MEMBER_NOT_FOUND', '此人没有该角色 / This person does not have that role.');
    let stairwellsLeft = 0;
    if (input.role === 'volunteer') {
      const left = await tx
        .delete(stairwellAssignments)
        .where(and(eq(stairwellAssignments.communityId, c), eq(stairwellAssignments.userId, input.userId)))
        .returning({ stairwellId: stairwellAssignments.stairwellId });
      stairwellsLeft = left.length;
    }
    await writeAudit(tx, {
      communityId: c,
      actorUserId: authed.user.id,
      action: 'membership.revoke',
      entityType: 'user',
      entityId: input.userId,
      before: { role: input.role },
      after: { stairwellsLeft },
    });
    return { revoked: true as const, stairwellsLeft };
  });
}
