import { z } from 'zod';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { buildPickList, findRelay, relayNotFound, resolveViewer } from './load';
import { isPickable } from './rules';
import type { PickList } from './types';

export const GetRelayPickListInput = z.object({
  relayId: z.uuid(),
  /** Narrows the lookup when the caller knows it (coordinator and volunteer pages do). */
  communityId: z.uuid().optional(),
  /** Narrows the lookup to one merchant's relays (the merchant's pages). */
  merchantId: z.uuid().optional(),
});
export type GetRelayPickListInput = z.infer<typeof GetRelayPickListInput>;

export const relayNotFormed = (status: string) =>
  preconditionFailed(
    'RELAY_NOT_FORMED',
    '接龙成团后才有拣货单 / The pick list is ready once the relay has formed.',
    {
      details: { status },
    },
  );

/**
 * The pick list of one formed relay: totals per product, per-stairwell counts and the bags in
 * route order, as the caller may see them (see `resolveViewer`). Read live: a cancellation,
 * refund or recorded shortfall is reflected on the next call.
 */
export async function getRelayPickList({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetRelayPickListInput;
}): Promise<PickList> {
  requireUser(ctx);
  const head = await findRelay(ctx.db, input);
  if (!head) throw relayNotFound();
  // Scope before state: someone without access must not learn whether the relay has formed.
  const scope = await resolveViewer(ctx, head.communityId, head.merchantId);
  if (!isPickable(head.status)) throw relayNotFormed(head.status);
  return buildPickList(ctx.db, { kind: 'relay', heads: [head], pendingRelays: 0, scope, now: ctx.now() });
}
