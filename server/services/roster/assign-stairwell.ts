import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships, stairwellAssignments, users } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator, stairwellAccess } from './access';
import { AssignmentRoleEnum, Name, Phone } from './fields';
import { findOrCreatePerson, type Person } from './people';
import type { AssignmentRole } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const AssignStairwellInput = z
  .object({
    communityId: CommunityId,
    stairwellId: Id,
    role: AssignmentRoleEnum,
    phone: Phone.optional(),
    userId: Id.optional(),
    name: Name.optional(),
  })
  .refine((v) => v.phone || v.userId, { message: '请填写手机号 / Enter a phone number.', path: ['phone'] });
export type AssignStairwellInput = z.infer<typeof AssignStairwellInput>;

const hasLeader = (name: string) =>
  conflict(
    'STAIRWELL_HAS_LEADER',
    `该楼道已有楼组长（${name}），请先移除 / This stairwell already has a leader (${name}); remove them first.`,
    {
      field: 'role',
      details: { leader: name },
    },
  );

/**
 * Puts a person (by phone, or an existing user) on a stairwell as its leader (楼组长) or a
 * volunteer. Someone new to the team becomes a volunteer of the compound in the same transaction.
 * One leader per stairwell (a unique index holds it under races); assigning the same person again
 * changes their role.
 */
export async function assignStairwell({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AssignStairwellInput;
}): Promise<{ person: Person; role: AssignmentRole; joinedTeam: boolean; changed: boolean }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  await stairwellAccess(authed, input.communityId, input.stairwellId);
  const c = input.communityId;
  if (!input.phone && !input.userId)
    throw badRequest('PHONE_REQUIRED', '请填写手机号 / Enter a phone number.', { field: 'phone' });
  let leaderName = '';
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        let person: Person;
        if (input.userId) {
          const [u] = await tx
            .select({ id: users.id, name: users.name, phone: users.phone })
            .from(users)
            .where(eq(users.id, input.userId));
          if (!u) throw badRequest('USER_NOT_FOUND', '找不到此人 / No such person.', { field: 'userId' });
          person = u;
        } else {
          person = (await findOrCreatePerson(tx, { phone: input.phone, name: input.name }, authed.user.id))
            .person;
        }
        const team = await tx
          .select({
            id: stairwellAssignments.id,
            userId: stairwellAssignments.userId,
            role: stairwellAssignments.role,
            name: users.name,
          })
          .from(stairwellAssignments)
          .innerJoin(users, eq(users.id, stairwellAssignments.userId))
          .where(
            and(
              eq(stairwellAssignments.communityId, c),
              eq(stairwellAssignments.stairwellId, input.stairwellId),
            ),
          )
          .for('update', { of: stairwellAssignments });
        const leader = team.find((t) => t.role === 'leader');
        leaderName = leader?.name ?? '';
        if (input.role === 'leader' && leader && leader.userId !== person.id) throw hasLeader(leader.name);
        const mine = team.find((t) => t.userId === person.id);
        if (mine?.role === input.role) return { person, role: input.role, joinedTeam: false, changed: false };

        const [volunteer] = await tx
          .select({ id: memberships.id })
          .from(memberships)
          .where(
            and(
              eq(memberships.communityId, c),
              eq(memberships.userId, person.id),
              eq(memberships.role, 'volunteer'),
            ),
          );
        if (!volunteer)
          await tx.insert(memberships).values({ communityId: c, userId: person.id, role: 'volunteer' });

        if (mine) {
          await tx
            .update(stairwellAssignments)
            .set({ role: input.role })
            .where(and(eq(stairwellAssignments.communityId, c), eq(stairwellAssignments.id, mine.id)));
        } else {
          await tx
            .insert(stairwellAssignments)
            .values({ communityId: c, stairwellId: input.stairwellId, userId: person.id, role: input.role });
        }
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'stairwell.assign',
          entityType: 'stairwell',
          entityId: input.stairwellId,
          before: mine ? { userId: person.id, role: mine.role } : null,
          after: { userId: person.id, role: input.role, joinedTeam: !volunteer },
        });
        return { person, role: input.role, joinedTeam: !volunteer, changed: true };
      }),
    () => hasLeader(leaderName || '?'),
  );
}
