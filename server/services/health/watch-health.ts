import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { SafeString } from '@/server/services/shared/zod';
import { healthEvents, type HealthEvent, type HealthEventKind } from './events';
import { id, onGateDuty, parseInput, rolesIn } from './internal';

export const WatchHealthInput = z.object({
  communityId: id,
  kinds: z
    .array(z.enum(['self_test', 'testing', 'gate']))
    .min(1)
    .max(3),
  lastEventId: SafeString.nullish(),
});
export type WatchHealthInput = z.infer<typeof WatchHealthInput>;

/**
 * Live "something changed" signals for the health pages (SSE). Members hear the rounds; only
 * coordinators and volunteers on gate duty hear the gate. Events carry no personal data.
 */
export async function* watchHealth({
  ctx,
  input: raw,
  signal,
}: {
  ctx: ServiceContext;
  input: unknown;
  signal?: AbortSignal;
}): AsyncGenerator<HealthEvent> {
  const input = parseInput(WatchHealthInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['resident', 'volunteer', 'admin', 'owner']);
  const kinds = new Set<HealthEventKind>(input.kinds);
  if (
    kinds.has('gate') &&
    !me.coordinator &&
    !(await onGateDuty(ctx.db, input.communityId, me.ctx.user.id, ctx.now()))
  )
    kinds.delete('gate');
  yield* healthEvents(ctx, input.communityId, kinds, signal);
}
