import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { taskClaims } from '@/db/schema';
import type { Actor } from '@/server/services/roster/actor';
import { notFound } from '@/server/services/shared/errors';

/** The caller's live slot in a task, locked; NOT_FOUND when they hold none. */
export async function lockOwnTaskClaim(tx: Tx, actor: Actor, communityId: string, taskId: string) {
  const [claim] = await tx
    .select()
    .from(taskClaims)
    .where(
      and(
        eq(taskClaims.communityId, communityId),
        eq(taskClaims.taskId, taskId),
        eq(taskClaims.userId, actor.userId),
        eq(taskClaims.status, 'claimed'),
      ),
    )
    .for('update');
  if (!claim) throw notFound('TASK_CLAIM_NOT_FOUND', '您没有认领这个班次 / You hold no slot in this shift.');
  return claim;
}
