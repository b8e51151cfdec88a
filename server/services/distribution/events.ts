/**
 * Live changes of the gate-to-door stretch, for the coordinator board, the gate page, the
 * check-off page and residents' bag pages. Published with `database.notify` after the change
 * commits (NOTIFY on PostgreSQL, so every app instance hears it; in-process on PGlite).
 * Payloads carry ids only; each subscriber is filtered by what it may see before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Id, SafeString } from '@/server/services/shared/zod';
import { isCoordinator, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { distributionTopic, liveEvents, publishLive } from '@/server/services/shared/live-bus';
import { stairwellScope } from './internal';

export type DistributionEventKind = 'hello' | 'delivery' | 'batch' | 'bag' | 'shortfall' | 'problem';

export type DistributionEvent = {
  id: string;
  kind: DistributionEventKind;
  at: string;
  batchId?: string;
  bagId?: string;
  relayId?: string;
  stairwellId?: string;
  householdId?: string;
};

/**
 * Announces committed changes on the live bus (topic `distribution:<communityId>`). Fire-and-forget:
 * a lost announcement costs a live refresh, never data, and the caller's answer never waits for it.
 */
export async function publishDistribution(
  ctx: Pick<ServiceContext, 'database'>,
  communityId: string,
  events: Omit<DistributionEvent, 'id' | 'at'>[],
): Promise<void> {
  for (const e of events) {
    const payload: DistributionEvent = { ...e, id: randomUUID(), at: new Date().toISOString() };
    publishLive(ctx.database, { topic: distributionTopic(communityId), ...payload });
  }
}

type Filter = (e: DistributionEvent) => boolean;

/** What a subscriber may hear: coordinators everything; others batch-level news plus their own bags. */
async function filterFor(
  ctx: ServiceContext,
  communityId: string,
  householdIds: readonly string[],
): Promise<Filter> {
  requireUser(ctx);
  if (await isCoordinator(ctx, communityId)) return () => true;
  const scope = await stairwellScope(ctx, communityId);
  const mine = new Set(householdIds);
  return (e) => {
    if (e.kind !== 'bag' && e.kind !== 'problem') return true;
    return (
      (!!e.stairwellId && scope.stairwellIds.has(e.stairwellId)) ||
      (!!e.householdId && mine.has(e.householdId))
    );
  };
}

export const WatchDistributionInput = z.object({ communityId: Id, lastEventId: SafeString.nullish() });
export type WatchDistributionInput = z.infer<typeof WatchDistributionInput>;

/**
 * Yields a `hello` first (the client refetches on every (re)connect, so nothing missed while it was
 * away is lost), then each change this subscriber may see, until `signal` aborts.
 */
export async function* watchDistribution({
  ctx,
  input,
  signal,
}: {
  ctx: ServiceContext;
  /** `householdIds`: the caller's own households, from the request's memberships. */
  input: Pick<WatchDistributionInput, 'communityId'> & { householdIds: readonly string[] };
  signal?: AbortSignal;
}): AsyncGenerator<DistributionEvent> {
  const filter = await filterFor(ctx, input.communityId, input.householdIds);
  // A slow phone only needs to know "this bag / batch changed": news of the same thing coalesces.
  yield* liveEvents<DistributionEvent>(ctx.database, distributionTopic(input.communityId), {
    accept: (m) => {
      const e = m as unknown as DistributionEvent;
      if (typeof e.kind !== 'string' || !filter(e)) return null;
      const { id, kind, at, batchId, bagId, relayId, stairwellId, householdId } = e;
      return { id, kind, at, batchId, bagId, relayId, stairwellId, householdId };
    },
    keyOf: (e) => `${e.kind}:${e.batchId ?? ''}:${e.bagId ?? ''}:${e.relayId ?? ''}`,
    hello: () => ({ id: randomUUID(), kind: 'hello', at: new Date().toISOString() }),
    signal,
  });
}
