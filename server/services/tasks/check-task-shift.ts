import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { taskClaims } from '@/db/schema';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { lockOwnTaskClaim } from './own-task-claim';
import { inTransaction } from '@/server/services/shared/tx';

export const CheckTaskShiftInput = z.object({
  communityId: CommunityId,
  taskId: Id,
  action: z.enum(['in', 'out']),
});
export type CheckTaskShiftInput = z.infer<typeof CheckTaskShiftInput>;

/** 签到 / 签退: the volunteer starts and ends their shift; out only after in, each once. */
export async function checkTaskShift({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: CheckTaskShiftInput;
}) {
  const input = CheckTaskShiftInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  return inTransaction(actor.ctx.db, async (tx) => {
    const claim = await lockOwnTaskClaim(tx, actor, c, input.taskId);
    const now = ctx.now();
    if (input.action === 'in' && claim.checkedInAt)
      throw preconditionFailed('TASK_ALREADY_CHECKED_IN', '已经签到过了 / Already checked in.');
    if (input.action === 'out' && (!claim.checkedInAt || claim.checkedOutAt))
      throw preconditionFailed('TASK_NOT_CHECKED_IN', '请先签到 / Check in first.');
    const [after] = await tx
      .update(taskClaims)
      .set(input.action === 'in' ? { checkedInAt: now } : { checkedOutAt: now })
      .where(and(eq(taskClaims.communityId, c), eq(taskClaims.id, claim.id)))
      .returning();
    await writeAudit(tx, {
      communityId: c,
      actorUserId: actor.userId,
      action: `task.check_${input.action}`,
      entityType: 'volunteer_task',
      entityId: input.taskId,
    });
    return { checkedInAt: after!.checkedInAt, checkedOutAt: after!.checkedOutAt };
  });
}
