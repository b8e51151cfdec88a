/**
 * The live chain's reads under fan-out (issue 11 item 8): 200 phones on one relay, woken by one
 * join, share the head, rows and stats reads of that version — a handful of statements, not one
 * per subscriber — and each ends at the join's version.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { relayItems, relays } from '@/db/schema';
import { watchRelayChain, type ChainUpdate } from '@/server/services/relay/watch-relay-chain';
import { callerFor, serviceCtx } from '@/tests/helpers/context';
import { countingDatabase } from '@/tests/helpers/count-queries';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

const PHONES = 200;
let database: Database;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeRelayWorld(database, { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 2 });
}, 120_000);

afterAll(async () => {
  await database?.close();
});

it(`${PHONES} phones woken by one join share its reads`, async () => {
  const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
  const [eggs] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  const H = (i: number) => w.community.households[i]!;
  const resident = (i: number) => w.residents.get(H(i).id)!;
  const { database: counted, log } = await countingDatabase(database);
  const ac = new AbortController();
  const input = { communityId: w.community.id, relayId, lastEventId: null };
  const streams = await Promise.all(
    Array.from({ length: PHONES }, async () => {
      const s = watchRelayChain({
        ctx: serviceCtx(counted, resident(0), () => w.clock.now),
        input,
        signal: ac.signal,
      });
      expect((await s.next()).done).toBe(false);
      return s;
    }),
  );
  const waiting = streams.map((s) => s.next());
  log.length = 0;
  await callerFor(database, resident(1), () => w.clock.now).relay.join({
    communityId: w.community.id,
    relayId,
    householdId: H(1).id,
    lines: [{ relayItemId: eggs!.id, qty: 1 }],
    idempotencyKey: newKey(),
  });
  const [row] = await database.db.select().from(relays).where(eq(relays.id, relayId));
  const updates = await Promise.all(waiting);
  for (const u of updates) {
    expect(u.done).toBe(false);
    expect((u.value as ChainUpdate).version).toBe(row!.chainVersion);
    expect((u.value as ChainUpdate).entries).toHaveLength(1);
  }
  // Head, rows, stock and tally once for the version — not 200 head reads.
  expect(log.length).toBeLessThan(20);
  ac.abort();
  await Promise.all(streams.map((s) => s.return(undefined)));
}, 120_000);
