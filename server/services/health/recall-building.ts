import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { callBuilding, openTestingRound } from './call-building';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const RecallBuildingInput = z.object({ communityId: id, roundId: id, buildingId: id });
export type RecallBuildingInput = z.infer<typeof RecallBuildingInput>;

/** Calls a building again (latecomers, or one that was skipped): it is `called` and its residents are told again. */
export async function recallBuilding({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(RecallBuildingInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now();
  const result = await inTransaction(ctx.db, async (tx) => {
    await openTestingRound(tx, input.communityId, input.roundId);
    return callBuilding(tx, { ...input, action: 'recall', actorUserId: me.ctx.user.id, now });
  });
  await publishHealth(ctx, input.communityId, { kind: 'testing', roundId: input.roundId });
  return { buildingId: input.buildingId, ...result };
}
