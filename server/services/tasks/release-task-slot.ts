import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { volunteerTasks } from '@/db/schema';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { lockOwnTaskClaim } from './own-task-claim';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionTaskClaim } from './lifecycle';

export const ReleaseTaskSlotInput = z.object({ communityId: CommunityId, taskId: Id });
export type ReleaseTaskSlotInput = z.infer<typeof ReleaseTaskSlotInput>;

/** Gives a slot back before the shift starts (after checking in, it is too late). */
export async function releaseTaskSlot({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ReleaseTaskSlotInput;
}) {
  const input = ReleaseTaskSlotInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  return inTransaction(actor.ctx.db, async (tx) => {
    const claim = await lockOwnTaskClaim(tx, actor, c, input.taskId);
    if (claim.checkedInAt)
      throw preconditionFailed('TASK_ALREADY_STARTED', '已签到，不能退出 / You have checked in already.');
    await transitionTaskClaim(tx, { communityId: c, id: claim.id }, 'released', { from: ['claimed'] });
    const [task] = await tx
      .update(volunteerTasks)
      .set({ filled: sql`${volunteerTasks.filled} - 1` })
      .where(and(eq(volunteerTasks.communityId, c), eq(volunteerTasks.id, input.taskId)))
      .returning();
    await writeAudit(tx, {
      communityId: c,
      actorUserId: actor.userId,
      action: 'task.release',
      entityType: 'volunteer_task',
      entityId: input.taskId,
      after: { filled: task!.filled },
    });
    return { filled: task!.filled, slots: task!.slots };
  });
}
