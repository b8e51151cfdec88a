import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { inTransaction } from '@/server/services/shared/tx';

export const RemoveResidentInput = z.object({ communityId: CommunityId, householdId: Id, userId: Id });
export type RemoveResidentInput = z.infer<typeof RemoveResidentInput>;

/** Takes a person off a household (they moved, or were registered by mistake). The user stays. */
export async function removeResident({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RemoveResidentInput;
}): Promise<{ removed: true }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  return inTransaction(authed.db, async (tx) => {
    const removed = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.communityId, c),
          eq(memberships.userId, input.userId),
          eq(memberships.role, 'resident'),
          eq(memberships.householdId, input.householdId),
        ),
      )
      .returning({ id: memberships.id });
    if (removed.length === 0)
      throw notFound(
        'RESIDENT_NOT_FOUND',
        '该住户没有这位居民 / This person is not a resident of that household.',
      );
    await writeAudit(tx, {
      communityId: c,
      actorUserId: authed.user.id,
      action: 'household.resident_remove',
      entityType: 'household',
      entityId: input.householdId,
      before: { userId: input.userId },
    });
    return { removed: true as const };
  });
}
