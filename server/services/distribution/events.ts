/**
 * Live changes of the gate-to-door stretch, for the coordinator board, the gate page, the
 * check-off page and residents' bag pages. Published with `database.notify` after the change
 * commits (NOTIFY on PostgreSQL, so every app instance hears it; in-process on PGlite).
 * Payloads carry ids only; each subscriber is filtered by what it may see before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import { isCoordinator, requireUser } from '../shared/access';
import type { ServiceContext } from '../shared/context';
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

export function distributionChannel(communityId: string): string {
  return `linli_distribution_${communityId.replaceAll('-', '')}`;
}

/**
 * Announces committed changes. A lost announcement costs a live refresh, never data, so a failure
 * here is logged and swallowed: the write it reports has already committed.
 */
export async function publishDistribution(
  ctx: Pick<ServiceContext, 'database'>,
  communityId: string,
  events: Omit<DistributionEvent, 'id' | 'at'>[],
): Promise<void> {
  const channel = distributionChannel(communityId);
  for (const e of events) {
    const payload: DistributionEvent = { ...e, id: randomUUID(), at: new Date().toISOString() };
    try {
      await ctx.database.notify(channel, JSON.stringify(payload));
    } catch (err) {
      console.warn('[distribution] notify failed', err);
    }
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
  input: { communityId: string; householdIds: readonly string[] };
  signal?: AbortSignal;
}): AsyncGenerator<DistributionEvent> {
  const filter = await filterFor(ctx, input.communityId, input.householdIds);
  const queue: DistributionEvent[] = [];
  let wake: (() => void) | null = null;
  const unlisten = await ctx.database.listen(distributionChannel(input.communityId), (payload) => {
    try {
      const e = JSON.parse(payload) as DistributionEvent;
      if (!filter(e)) return;
      // A slow phone must not grow this without bound: it only needs to know "something changed".
      if (queue.length > 100) queue.splice(0, queue.length - 100);
      queue.push(e);
      wake?.();
    } catch {
      /* not ours */
    }
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    yield { id: randomUUID(), kind: 'hello', at: new Date().toISOString() };
    while (!signal?.aborted) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      yield queue.shift()!;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await unlisten();
  }
}
