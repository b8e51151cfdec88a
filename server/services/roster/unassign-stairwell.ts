import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { stairwellAssignments } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { inTransaction } from '@/server/services/shared/tx';

export const UnassignStairwellInput = z.object({ communityId: CommunityId, assignmentId: Id });
export type UnassignStairwellInput = z.infer<typeof UnassignStairwellInput>;

/** Takes a person off a stairwell; they stay on the compound's team. */
export async function unassignStairwell({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UnassignStairwellInput;
}): Promise<{ removed: true; stairwellId: string }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  return inTransaction(authed.db, async (tx) => {
    const [removed] = await tx
      .delete(stairwellAssignments)
      .where(and(eq(stairwellAssignments.communityId, c), eq(stairwellAssignments.id, input.assignmentId)))
      .returning({
        stairwellId: stairwellAssignments.stairwellId,
        userId: stairwellAssignments.userId,
        role: stairwellAssignments.role,
      });
    if (!removed)
      throw notFound('ASSIGNMENT_NOT_FOUND', '该分工已不存在 / That assignment no longer exists.');
    await writeAudit(tx, {
      communityId: c,
      actorUserId: authed.user.id,
      action: 'stairwell.unassign',
      entityType: 'stairwell',
      entityId: removed.stairwellId,
      before: { userId: removed.userId, role: removed.role },
    });
    return { removed: true as const, stairwellId: removed.stairwellId };
  });
}
