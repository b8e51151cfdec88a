import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships } from '@/db/schema';
import { membershipsIn } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict, forbidden } from '@/server/services/shared/errors';
import { CommunityId } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { Name, Phone, StaffRoleEnum } from './fields';
import { findOrCreatePerson, type Person } from './people';
import { canGrantRole, type StaffRole } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const GrantMembershipInput = z.object({
  communityId: CommunityId,
  phone: Phone,
  name: Name.optional(),
  role: StaffRoleEnum,
});
export type GrantMembershipInput = z.infer<typeof GrantMembershipInput>;

/**
 * Gives someone (found or created by phone) a team role in the compound. Coordinators take on
 * volunteers; only the owner (群主) appoints admins and owners. Granting a role already held is a no-op.
 */
export async function grantMembership({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GrantMembershipInput;
}): Promise<{ person: Person; role: StaffRole; alreadyHad: boolean }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const mine = await membershipsIn(authed.db, authed.user.id, c);
  if (
    !canGrantRole(
      mine.map((m) => m.role),
      input.role,
    )
  ) {
    throw forbidden('OWNER_ONLY', '只有群主可以任命管理员 / Only the owner can appoint admins and owners.');
  }
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const { person } = await findOrCreatePerson(
          tx,
          { phone: input.phone, name: input.name },
          authed.user.id,
        );
        const [held] = await tx
          .select({ id: memberships.id })
          .from(memberships)
          .where(
            and(
              eq(memberships.communityId, c),
              eq(memberships.userId, person.id),
              eq(memberships.role, input.role),
            ),
          );
        if (held) return { person, role: input.role, alreadyHad: true };
        await tx.insert(memberships).values({ communityId: c, userId: person.id, role: input.role });
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'membership.grant',
          entityType: 'user',
          entityId: person.id,
          after: { role: input.role },
        });
        return { person, role: input.role, alreadyHad: false };
      }),
    () => conflict('ALREADY_MEMBER', '此人已有该角色 / This person already has that role.'),
  );
}
