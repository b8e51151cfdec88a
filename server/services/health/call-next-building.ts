import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { testingBuildings } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { callBuilding, openTestingRound } from './call-building';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const CallNextBuildingInput = z.object({ communityId: id, roundId: id });
export type CallNextBuildingInput = z.infer<typeof CallNextBuildingInput>;

/** 叫号: the coordinator calls the next queued building in the session's order; its residents are told. */
export async function callNextBuilding({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(CallNextBuildingInput, raw);
  const { communityId, roundId } = input;
  const me = await rolesIn(ctx, communityId, ['admin', 'owner']);
  const now = ctx.now();
  const result = await inTransaction(ctx.db, async (tx) => {
    await openTestingRound(tx, communityId, roundId);
    const [next] = await tx
      .select({ buildingId: testingBuildings.buildingId })
      .from(testingBuildings)
      .where(
        and(
          eq(testingBuildings.communityId, communityId),
          eq(testingBuildings.roundId, roundId),
          eq(testingBuildings.status, 'queued'),
        ),
      )
      .orderBy(asc(testingBuildings.position))
      .limit(1);
    if (!next)
      throw preconditionFailed('NO_BUILDING_QUEUED', '所有楼栋都已叫过 / Every building has been called.');
    const called = await callBuilding(tx, {
      communityId,
      roundId,
      buildingId: next.buildingId,
      action: 'call',
      actorUserId: me.ctx.user.id,
      now,
    });
    return { buildingId: next.buildingId, ...called };
  });
  await publishHealth(ctx, communityId, { kind: 'testing', roundId });
  return result;
}
