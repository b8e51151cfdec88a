import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { openTestingRound } from './call-building';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { transitionBuilding } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const SkipBuildingInput = z.object({ communityId: id, roundId: id, buildingId: id });
export type SkipBuildingInput = z.infer<typeof SkipBuildingInput>;

/** Passes over a queued or called building for now; it can be recalled later. */
export async function skipBuilding({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(SkipBuildingInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now();
  const { after } = await inTransaction(ctx.db, async (tx) => {
    await openTestingRound(tx, input.communityId, input.roundId);
    return transitionBuilding(tx, { ...input, action: 'skip', actorUserId: me.ctx.user.id, now });
  });
  await publishHealth(ctx, input.communityId, { kind: 'testing', roundId: input.roundId });
  return { buildingId: input.buildingId, status: after.status };
}
