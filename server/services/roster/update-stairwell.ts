import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { stairwells } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator, stairwellNotFound } from './access';
import { placeInRoute, stairwellExists, stairwellNumberOrThrow } from './create-stairwell';
import { Number16, RouteOrder } from './fields';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const UpdateStairwellInput = z.object({
  communityId: CommunityId,
  stairwellId: Id,
  number: Number16.optional(),
  routeOrder: RouteOrder.optional(),
});
export type UpdateStairwellInput = z.infer<typeof UpdateStairwellInput>;

/** Renumbers a stairwell and/or moves it to a position in the delivery route (others shift). */
export async function updateStairwell({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateStairwellInput;
}): Promise<{ id: string; number: string; routeOrder: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const number = input.number === undefined ? undefined : stairwellNumberOrThrow(input.number);
  const c = input.communityId;
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const where = and(eq(stairwells.communityId, c), eq(stairwells.id, input.stairwellId));
        const cols = { id: stairwells.id, number: stairwells.number, routeOrder: stairwells.routeOrder };
        const [before] = await tx.select(cols).from(stairwells).where(where);
        if (!before) throw stairwellNotFound();
        if (number !== undefined && number !== before.number) {
          await tx.update(stairwells).set({ number }).where(where);
        }
        if (input.routeOrder !== undefined && input.routeOrder !== before.routeOrder) {
          await placeInRoute(tx, c, input.stairwellId, input.routeOrder);
        }
        const [after] = await tx.select(cols).from(stairwells).where(where);
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'stairwell.update',
          entityType: 'stairwell',
          entityId: input.stairwellId,
          before,
          after,
        });
        return after!;
      }),
    () => stairwellExists(number ?? ''),
  );
}
