import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { transitionRound } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const CloseRoundInput = z.object({ communityId: id, roundId: id });
export type CloseRoundInput = z.infer<typeof CloseRoundInput>;

/** A coordinator ends a round (self-test tally or testing session): nothing more can be entered. */
export async function closeRound({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(CloseRoundInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const row = await inTransaction(ctx.db, (tx) =>
    transitionRound(tx, {
      communityId: input.communityId,
      roundId: input.roundId,
      action: 'close',
      actorUserId: me.ctx.user.id,
      now: ctx.now(),
    }),
  );
  await publishHealth(ctx, input.communityId, { kind: row.kind, roundId: row.id });
  return { roundId: row.id, status: row.status };
}
