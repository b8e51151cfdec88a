import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, healthRounds, testingBuildings } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { safeText } from '@/server/services/shared/zod';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const OpenTestingSessionInput = z.object({
  communityId: id,
  title: safeText({ max: 60 }).optional(),
  /** The call order; every building of the compound in route order when omitted. */
  buildingIds: z.array(id).min(1).max(500).optional(),
});
export type OpenTestingSessionInput = z.input<typeof OpenTestingSessionInput>;

/** A coordinator opens a testing session (核酸检测) with the order in which buildings will be called. */
export async function openTestingSession({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(OpenTestingSessionInput, raw);
  const { communityId } = input;
  const me = await rolesIn(ctx, communityId, ['admin', 'owner']);
  const all = await ctx.db
    .select({ id: buildings.id })
    .from(buildings)
    .where(eq(buildings.communityId, communityId))
    .orderBy(asc(buildings.routeOrder), asc(buildings.number));
  const known = new Set(all.map((b) => b.id));
  const order = input.buildingIds ?? all.map((b) => b.id);
  if (new Set(order).size !== order.length || order.some((b) => !known.has(b)))
    throw badRequest(
      'BUILDING_ORDER_INVALID',
      '楼栋顺序有误（重复或不属于本小区）/ The building order is invalid.',
      {
        field: 'buildingIds',
      },
    );
  if (order.length === 0)
    throw badRequest('NO_BUILDINGS', '本小区还没有楼栋 / This compound has no buildings yet.');
  const now = ctx.now();
  const title = input.title || `核酸检测 ${now.toISOString().slice(0, 10)}`;
  const round = await inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(healthRounds)
      .values({ communityId, kind: 'testing', title, openedBy: me.ctx.user.id, openedAt: now })
      .returning();
    await tx
      .insert(testingBuildings)
      .values(order.map((buildingId, i) => ({ communityId, roundId: row!.id, buildingId, position: i + 1 })));
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: 'health_round.open',
      entityType: 'health_round',
      entityId: row!.id,
      after: { kind: 'testing', title, order },
    });
    return row!;
  });
  await publishHealth(ctx, communityId, { kind: 'testing', roundId: round.id });
  return { roundId: round.id, title };
}
