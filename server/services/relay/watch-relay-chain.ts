import { z } from 'zod';
import { myMemberships, requireMerchantMember, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { idOf } from '@/server/services/shared/zod';
import { subscribeChain } from './chain-bus';
import { LastEventId, MerchantRef, RelayRef } from './fields';
import { householdIdsOf, progressOf, type RelayProgress } from './get-relay';
import {
  chainRows,
  findRelay,
  relayItemsOf,
  requireMerchantRelay,
  requireRelay,
  tallyRelay,
  toChainEntry,
  type ChainEntry,
  type RelayRow,
} from './load';
import { remaining, type RelayStatus } from './rules';

export const WatchRelayChainInput = RelayRef.extend({ lastEventId: LastEventId });
export type WatchRelayChainInput = z.infer<typeof WatchRelayChainInput>;

export type ChainUpdate = {
  version: number;
  /** Entries that changed since the version the phone last saw (all of them on a fresh start). */
  entries: ChainEntry[];
  items: { id: string; sold: number; remaining: number | null }[];
  progress: RelayProgress;
  status: RelayStatus;
  closedAt: Date | null;
};

/** A phone that missed every signal still catches up this often. */
const SAFETY_POLL_MS = 20_000;
/** Bursts of joins (hundreds a minute) are sent as one update per this window. */
const COALESCE_MS = 250;

/**
 * The live chain: yields what changed whenever anyone joins, changes, cancels, pays or expires,
 * starting after `lastEventId` (the version the phone last saw, which the SSE link resends on
 * reconnect). Woken by the chain bus (LISTEN/NOTIFY), never by the writer's data: each update is
 * read from the database, masked for this caller, so several instances agree.
 */
export async function* watchRelayChain({
  ctx,
  input,
  signal,
}: {
  ctx: ServiceContext;
  input: WatchRelayChainInput;
  signal?: AbortSignal;
}): AsyncGenerator<ChainUpdate> {
  requireUser(ctx);
  const mine = await myMemberships(ctx, input.communityId);
  if (mine.length === 0) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  const relay = await requireRelay(ctx.db, input.communityId, input.relayId);
  yield* chainUpdates(ctx, relay, new Set(householdIdsOf(mine)), input.lastEventId, signal);
}

export const WatchMerchantRelayChainInput = MerchantRef.extend({
  relayId: idOf('接龙'),
  lastEventId: LastEventId,
});
export type WatchMerchantRelayChainInput = z.infer<typeof WatchMerchantRelayChainInput>;

/** The same live chain for the merchant's team managing the relay (masked the same way). */
export async function* watchMerchantRelayChain({
  ctx,
  input,
  signal,
}: {
  ctx: ServiceContext;
  input: WatchMerchantRelayChainInput;
  signal?: AbortSignal;
}): AsyncGenerator<ChainUpdate> {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, undefined, input.relayId, input.merchantId);
  yield* chainUpdates(ctx, relay, new Set(), input.lastEventId, signal);
}

/**
 * Reads keyed by chain version are immutable (a version names one state of the chain), so phones
 * asking for the same one within a few seconds share a single query.
 */
const SHARED_TTL_MS = 5_000;
const sharedReads = new Map<string, { at: number; value: Promise<unknown> }>();
function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = sharedReads.get(key);
  if (hit && now - hit.at < SHARED_TTL_MS) return hit.value as Promise<T>;
  if (sharedReads.size > 5_000) {
    for (const [k, e] of sharedReads) if (now - e.at >= SHARED_TTL_MS) sharedReads.delete(k);
  }
  const value = read();
  sharedReads.set(key, { at: now, value });
  value.catch(() => sharedReads.delete(key));
  return value;
}

async function* chainUpdates(
  ctx: ServiceContext,
  relay: RelayRow,
  myHouseholds: ReadonlySet<string>,
  lastEventId: string | null | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<ChainUpdate> {
  const communityId = relay.communityId;
  const parsed = lastEventId ? Number.parseInt(lastEventId, 10) : NaN;
  let seen = Number.isFinite(parsed) && parsed >= 0 ? parsed : -1;

  let dirty = true;
  // The head read that answers the latest wake-up: null for our own fresh read (the first one),
  // else shared by every phone of this process on the relay — keyed by the signalled version, or
  // by the second for a resync or the safety poll — so a signal costs one head read, not one per
  // subscriber.
  let headKey: string | null = null;
  let wake: (() => void) | null = null;
  const poke = (key: string) => {
    dirty = true;
    headKey = key;
    wake?.();
  };
  const bySecond = () => `t${Math.floor(Date.now() / 1000)}`;
  const unsubscribe = await subscribeChain(ctx.database, relay.id, (s) => {
    if (!s) poke(bySecond());
    else if (s.version > seen) poke(`v${s.version}`);
  });
  const poll = setInterval(() => poke(bySecond()), SAFETY_POLL_MS);
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  let failures = 0;
  try {
    while (!signal?.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      dirty = false;
      const key = headKey as string | null;
      let current: RelayRow | undefined;
      try {
        current = await (key === null
          ? findRelay(ctx.db, communityId, relay.id)
          : shared(`head:${relay.id}:${key}`, () => findRelay(ctx.db, communityId, relay.id)));
        failures = 0;
      } catch (e) {
        // A busy or reconnecting database must not end thousands of streams: stay dirty and retry
        // with a backoff; the phone sees the update a little later.
        failures++;
        if (failures === 1 || failures % 10 === 0)
          console.error('[relay] live chain read failed, retrying', relay.id, e);
        if (!dirty) poke(bySecond());
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(failures, 5))));
        continue;
      }
      if (!current) return;
      if (current.chainVersion > seen) {
        // Every phone on this relay wakes on the same signal, most having seen the same version:
        // they share one read of the rows and one of the stock and tally (per instance).
        const v = current.chainVersion;
        const [rows, { items, tally }] = await Promise.all([
          shared(`rows:${relay.id}:${Math.max(0, seen)}:${v}`, () =>
            chainRows(ctx.db, communityId, relay.id, Math.max(0, seen)),
          ),
          shared(`stats:${relay.id}:${v}`, async () => ({
            items: await relayItemsOf(ctx.db, communityId, relay.id),
            tally: await tallyRelay(ctx.db, communityId, relay.id),
          })),
        ]);
        seen = Math.max(v, ...rows.map((r) => r.chainVersion));
        yield {
          version: seen,
          entries: rows.map((r) => toChainEntry(r, myHouseholds)),
          items: items.map((i) => ({ id: i.id, sold: i.sold, remaining: remaining(i) })),
          progress: progressOf(current, tally),
          status: current.status,
          closedAt: current.closedAt,
        };
      }
      await new Promise((r) => setTimeout(r, COALESCE_MS));
    }
  } finally {
    clearInterval(poll);
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
