import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { taskClaims, volunteerRoles, volunteerTasks } from '@/db/schema';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import type { Actor } from '@/server/services/roster/actor';
import {
  conflict,
  forbidden,
  notFound,
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
} from '@/server/services/shared/errors';
import { inTransaction } from '@/server/services/shared/tx';

export const ClaimTaskSlotInput = z.object({ communityId: CommunityId, taskId: Id });
export type ClaimTaskSlotInput = z.infer<typeof ClaimTaskSlotInput>;

export const taskNotFound = () => notFound('TASK_NOT_FOUND', '找不到该任务 / Task not found.');

/**
 * Who may take a slot of a role: a coordinator any; a volunteer only a role they were accepted
 * into (volunteer_roles) — a gate slot needs the gate role — or, for stairwell work, a volunteer
 * seated on a stairwell.
 */
async function requireTaskRole(actor: Actor, communityId: string, taskId: string) {
  const [task] = await actor.ctx.db
    .select({ role: volunteerTasks.role })
    .from(volunteerTasks)
    .where(and(eq(volunteerTasks.communityId, communityId), eq(volunteerTasks.id, taskId)));
  if (!task) throw taskNotFound();
  if (actor.coordinator) return;
  if (task.role === 'stairwell' && actor.assigned.length > 0) return;
  const held = await actor.ctx.db.$count(
    volunteerRoles,
    and(
      eq(volunteerRoles.communityId, communityId),
      eq(volunteerRoles.userId, actor.userId),
      eq(volunteerRoles.role, task.role),
    ),
  );
  if (held === 0)
    throw forbidden(
      'TASK_ROLE_REQUIRED',
      '这个班次需要相应岗位的志愿者，请联系协调员 / This shift is for volunteers of its role; ask a coordinator.',
      { details: { role: task.role } },
    );
}

/**
 * A volunteer takes a slot of a role they hold. The slot is taken with one conditional UPDATE (filled + 1 WHERE
 * filled < slots), so concurrent claims never over-fill a shift (a CHECK holds it too); the same
 * person twice is refused by a partial unique index.
 */
export async function claimTaskSlot({ ctx, input: raw }: { ctx: ServiceContext; input: ClaimTaskSlotInput }) {
  const input = ClaimTaskSlotInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  await requireTaskRole(actor, c, input.taskId);
  try {
    return await inTransaction(actor.ctx.db, async (tx) => {
      const [task] = await tx
        .update(volunteerTasks)
        .set({ filled: sql`${volunteerTasks.filled} + 1` })
        .where(
          and(
            eq(volunteerTasks.communityId, c),
            eq(volunteerTasks.id, input.taskId),
            lt(volunteerTasks.filled, volunteerTasks.slots),
          ),
        )
        .returning();
      if (!task) {
        const [exists] = await tx
          .select({ id: volunteerTasks.id })
          .from(volunteerTasks)
          .where(and(eq(volunteerTasks.communityId, c), eq(volunteerTasks.id, input.taskId)));
        if (!exists) throw taskNotFound();
        throw conflict('TASK_FULL', '这个班次已经满员 / This shift is full.');
      }
      const [claim] = await tx
        .insert(taskClaims)
        .values({ communityId: c, taskId: task.id, userId: actor.userId, createdAt: ctx.now() })
        .returning();
      await writeAudit(tx, {
        communityId: c,
        actorUserId: actor.userId,
        action: 'task.claim',
        entityType: 'volunteer_task',
        entityId: task.id,
        after: { filled: task.filled, slots: task.slots },
      });
      return { claimId: claim!.id, filled: task.filled, slots: task.slots };
    });
  } catch (e) {
    if (pgErrorCode(e) === PG_UNIQUE_VIOLATION)
      throw conflict('TASK_ALREADY_CLAIMED', '您已认领这个班次 / You already hold a slot in this shift.');
    throw e;
  }
}
