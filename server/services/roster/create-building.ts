import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { buildings } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict } from '@/server/services/shared/errors';
import { CommunityId } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { Number16, RouteOrder } from './fields';
import { LIMITS, normalizeBuildingNumber } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const CreateBuildingInput = z.object({
  communityId: CommunityId,
  number: Number16,
  routeOrder: RouteOrder.optional(),
});
export type CreateBuildingInput = z.infer<typeof CreateBuildingInput>;

export const buildingExists = (n: string) =>
  conflict('BUILDING_EXISTS', `${n}号楼已经登记过了 / Building ${n} is already in the roster.`, {
    field: 'number',
  });

export function buildingNumberOrThrow(raw: string): string {
  const n = normalizeBuildingNumber(raw);
  if (!n || n.length > LIMITS.numberLength)
    throw badRequest('INVALID_NUMBER', '请填写楼号，例如 3 / Enter the building number, e.g. 3.', {
      field: 'number',
    });
  return n;
}

/** Adds a building (楼栋) at the end of the route unless a position is given. */
export async function createBuilding({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateBuildingInput;
}): Promise<{ id: string; number: string; routeOrder: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const number = buildingNumberOrThrow(input.number);
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const [dup] = await tx
          .select({ id: buildings.id })
          .from(buildings)
          .where(and(eq(buildings.communityId, input.communityId), eq(buildings.number, number)));
        if (dup) throw buildingExists(number);
        const [{ max }] = (await tx
          .select({ max: sql<number>`coalesce(max(${buildings.routeOrder}), 0)::int` })
          .from(buildings)
          .where(eq(buildings.communityId, input.communityId))) as [{ max: number }];
        const [row] = await tx
          .insert(buildings)
          .values({ communityId: input.communityId, number, routeOrder: input.routeOrder ?? Number(max) + 1 })
          .returning({ id: buildings.id, number: buildings.number, routeOrder: buildings.routeOrder });
        await writeAudit(tx, {
          communityId: input.communityId,
          actorUserId: authed.user.id,
          action: 'building.create',
          entityType: 'building',
          entityId: row!.id,
          after: row,
        });
        return row!;
      }),
    () => buildingExists(number),
  );
}
