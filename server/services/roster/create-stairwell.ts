import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { buildings, stairwells } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { buildingNotFound, requireCoordinator } from './access';
import { Number16, RouteOrder } from './fields';
import { LIMITS, moveInRoute, normalizeStairwellNumber } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const CreateStairwellInput = z.object({
  communityId: CommunityId,
  buildingId: Id,
  number: Number16,
  routeOrder: RouteOrder.optional(),
});
export type CreateStairwellInput = z.infer<typeof CreateStairwellInput>;

export const stairwellExists = (n: string) =>
  conflict('STAIRWELL_EXISTS', `该楼已有${n}单元 / This building already has stairwell ${n}.`, {
    field: 'number',
  });

export function stairwellNumberOrThrow(raw: string): string {
  const n = normalizeStairwellNumber(raw);
  if (!n || n.length > LIMITS.numberLength)
    throw badRequest('INVALID_NUMBER', '请填写单元号，例如 2 / Enter the stairwell number, e.g. 2.', {
      field: 'number',
    });
  return n;
}

/** Renumbers the compound's route so that `stairwellId` sits at `position` (1-based). */
export async function placeInRoute(tx: Tx, communityId: string, stairwellId: string, position: number) {
  const all = await tx
    .select({ id: stairwells.id, routeOrder: stairwells.routeOrder })
    .from(stairwells)
    .where(eq(stairwells.communityId, communityId))
    .for('update');
  for (const change of moveInRoute(all, stairwellId, position)) {
    await tx
      .update(stairwells)
      .set({ routeOrder: change.routeOrder })
      .where(and(eq(stairwells.communityId, communityId), eq(stairwells.id, change.id)));
  }
}

/**
 * Adds a stairwell (楼道/单元). Unless a route position is given, it goes right after the last
 * stairwell of its building, so the delivery route keeps walking building by building.
 */
export async function createStairwell({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateStairwellInput;
}): Promise<{ id: string; number: string; routeOrder: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const number = stairwellNumberOrThrow(input.number);
  const c = input.communityId;
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const [building] = await tx
          .select({ id: buildings.id, routeOrder: buildings.routeOrder })
          .from(buildings)
          .where(and(eq(buildings.communityId, c), eq(buildings.id, input.buildingId)));
        if (!building) throw buildingNotFound();
        const route = await tx
          .select({
            id: stairwells.id,
            buildingId: stairwells.buildingId,
            number: stairwells.number,
            routeOrder: stairwells.routeOrder,
            buildingRoute: buildings.routeOrder,
          })
          .from(stairwells)
          .innerJoin(
            buildings,
            and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
          )
          .where(eq(stairwells.communityId, c))
          .for('update', { of: stairwells });
        if (route.some((s) => s.buildingId === input.buildingId && s.number === number))
          throw stairwellExists(number);
        const sorted = [...route].sort((a, b) => a.routeOrder - b.routeOrder);
        let position = input.routeOrder;
        if (position === undefined) {
          const own = sorted.filter((s) => s.buildingId === input.buildingId);
          const before = own.length
            ? sorted.indexOf(own[own.length - 1]!) + 1
            : sorted.filter((s) => s.buildingRoute <= building.routeOrder).length;
          position = before + 1;
        }
        const [row] = await tx
          .insert(stairwells)
          .values({ communityId: c, buildingId: input.buildingId, number, routeOrder: sorted.length + 1 })
          .returning({ id: stairwells.id });
        await placeInRoute(tx, c, row!.id, position);
        const [after] = await tx
          .select({ id: stairwells.id, number: stairwells.number, routeOrder: stairwells.routeOrder })
          .from(stairwells)
          .where(and(eq(stairwells.communityId, c), eq(stairwells.id, row!.id)));
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'stairwell.create',
          entityType: 'stairwell',
          entityId: row!.id,
          after: { ...after, buildingId: input.buildingId },
        });
        return after!;
      }),
    () => stairwellExists(number),
  );
}
