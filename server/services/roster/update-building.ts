import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { buildings } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { buildingNotFound, requireCoordinator } from './access';
import { buildingExists, buildingNumberOrThrow } from './create-building';
import { Number16, RouteOrder } from './fields';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const UpdateBuildingInput = z.object({
  communityId: CommunityId,
  buildingId: Id,
  number: Number16.optional(),
  routeOrder: RouteOrder.optional(),
});
export type UpdateBuildingInput = z.infer<typeof UpdateBuildingInput>;

/** Renames a building or moves it in the route. */
export async function updateBuilding({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateBuildingInput;
}): Promise<{ id: string; number: string; routeOrder: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const number = input.number === undefined ? undefined : buildingNumberOrThrow(input.number);
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const where = and(eq(buildings.communityId, input.communityId), eq(buildings.id, input.buildingId));
        const [before] = await tx
          .select({ id: buildings.id, number: buildings.number, routeOrder: buildings.routeOrder })
          .from(buildings)
          .where(where)
          .for('update');
        if (!before) throw buildingNotFound();
        const [after] = await tx
          .update(buildings)
          .set({ number: number ?? before.number, routeOrder: input.routeOrder ?? before.routeOrder })
          .where(where)
          .returning({ id: buildings.id, number: buildings.number, routeOrder: buildings.routeOrder });
        await writeAudit(tx, {
          communityId: input.communityId,
          actorUserId: authed.user.id,
          action: 'building.update',
          entityType: 'building',
          entityId: input.buildingId,
          before,
          after,
        });
        return after!;
      }),
    () => buildingExists(number ?? ''),
  );
}
