import { and, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { taskClaims, volunteerTasks } from '@/db/schema';
import { CommunityId, Id } from '@/server/services/notices/fields';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict, notFound, PG_UNIQUE_VIOLATION, pgErrorCode } from '@/server/services/shared/errors';

export const ClaimTaskSlotInput = z.object({ communityId: CommunityId, taskId: Id });
export type ClaimTaskSlotInput = z.infer<typeof ClaimTaskSlotInput>;

export const taskNotFound = () => notFound('TASK_NOT_FOUND', '找不到该任务 / Task not found.');

/**
 * A volunteer takes a slot. The slot is taken with one conditional UPDATE (filled + 1 WHERE
 * filled < slots), so concurrent claims never over-fill a shift (a CHECK holds it too); the same
 * person twice is refused by a partial unique index.
 */
export async function claimTaskSlot({ ctx, input: raw }: { ctx: ServiceContext; input: ClaimTaskSlotInput }) {
  const input = ClaimTaskSlotInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  try {
    return await actor.ctx.db.transaction(async (tx) => {
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
