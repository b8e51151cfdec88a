import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { publishChainChange, subscribeChain } from '@/server/services/relay/chain-bus';
import { liveEvents, liveSubscriberCount, relayTopic } from '@/server/services/shared/live-bus';
import { createTestDatabase } from '@/tests/helpers/db';

// Issue 11 item 8: 2,000 live subscribers on one relay, on the one live bus (LISTEN on PostgreSQL,
// in-process on PGlite). Subscribers here are the bus's own streams (what every subscription uses).
const SUBSCRIBERS = 2_000;
let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function versionStream(relayId: string, signal: AbortSignal) {
  return liveEvents<number>(database, relayTopic(relayId), {
    accept: (m) => (typeof m.version === 'number' ? m.version : null),
    keyOf: () => 'version',
    merge: Math.max,
    hello: () => 0,
    signal,
  });
}

/**
 * The next version a stream delivers. A `hello` (0) in between is a resync, which the bus sends
 * when its LISTEN connection was re-made (another test file's drill terminates backends on the
 * same server): the page refetches, the stream stays open. That is allowed; a closed stream is not.
 */
async function nextVersion(s: ReturnType<typeof versionStream>, atLeast = 1) {
  for (;;) {
    const r = await s.next();
    if (r.done || r.value >= atLeast) return r;
  }
}

describe('live fan-out to 2,000 subscribers on one relay', () => {
  it('publishing never waits for readers; a slow reader gets the latest version; no stream is closed', async () => {
    const relayId = randomUUID();
    const communityId = randomUUID();
    const stop = new AbortController();
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const streams = Array.from({ length: SUBSCRIBERS }, () => versionStream(relayId, stop.signal));
    // Every stream says hello (the client refetches on connect) and is then subscribed.
    for (const s of streams) expect((await s.next()).value).toBe(0);
    globalThis.gc?.();
    const perSubscriber = (process.memoryUsage().heapUsed - before) / SUBSCRIBERS;
    console.log(
      `[live-fanout] ${SUBSCRIBERS} subscribers, heap per subscriber ≈ ${Math.round(perSubscriber)} B`,
    );
    expect(liveSubscriberCount(database, relayTopic(relayId))).toBe(SUBSCRIBERS);

    // Nobody reads while five changes are published: publishing returns regardless.
    const last = new Promise<number>((resolve) => {
      void subscribeChain(database, relayId, (s) => s?.version === 5 && resolve(5));
    });
    // The probe subscribes last, so when it hears version 5 every stream has queued it.
    await new Promise((r) => setTimeout(r, 50));
    for (let v = 1; v <= 5; v++) {
      const returned = publishChainChange(database, { communityId, relayId, version: v });
      await returned;
    }
    expect(await last).toBe(5);

    // Each slow reader now finds one message, the latest version, not five.
    const next = await Promise.all(streams.map((s) => nextVersion(s)));
    expect(next.every((r) => r.done === false && r.value === 5)).toBe(true);
    // None was closed by the server: each is still subscribed and hears the next change.
    expect(liveSubscriberCount(database, relayTopic(relayId))).toBe(SUBSCRIBERS + 1);
    await publishChainChange(database, { communityId, relayId, version: 6 });
    // (A repeat of an older version before it would be harmless: the page refetches the same state.)
    const sixth = await Promise.all(streams.map((s) => nextVersion(s, 6)));
    expect(sixth.every((r) => r.done === false && r.value === 6)).toBe(true);

    stop.abort();
    await Promise.all(streams.map((s) => s.return(undefined)));
    expect(liveSubscriberCount(database, relayTopic(relayId))).toBe(1);
  }, 120_000);

  it('a subscriber that throws does not stop the fan-out to the others', async () => {
    const relayId = randomUUID();
    const heard: number[] = [];
    const offBad = await subscribeChain(database, relayId, () => {
      throw new Error('bad subscriber');
    });
    const offGood = await subscribeChain(database, relayId, (s) => s && heard.push(s.version));
    await publishChainChange(database, { communityId: randomUUID(), relayId, version: 7 });
    for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([7]);
    offBad();
    offGood();
  });
});
