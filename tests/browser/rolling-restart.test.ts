/**
 * A rolling restart (issue 17): two production instances on one PostgreSQL database, a burst of
 * joins spread over both, and one instance stopped with SIGTERM in the middle of it. Phones retry a
 * join that got no answer with the same idempotency key, on the other instance (what a load
 * balancer and the relay page do together). Nothing may answer 5xx, every acknowledged order must be
 * in the database exactly once, and a live page whose stream the stopping instance ended reconnects
 * (to the other instance) and sees the next join.
 *
 * It lives with the browser journeys because it needs the production build they use; it starts its
 * own two servers (`server/cli/start.ts`, as `npm start` does) through the bench's server harness.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, queryRows, type Database } from '@/db/client';
import { startStripeMock, type StripeMock } from '@/server/payments/stripe-mock/server';

// The harness reads the build folder when it is imported: point it at the journeys' build.
process.env.BENCH_DIST_DIR ||= process.env.NEXT_DIST_DIR || '.next';
const { BenchServer } = await import('@/bench/lib/server');
const { createBenchDatabase } = await import('@/bench/lib/database');
const { joinOverHttp } = await import('@/bench/lib/join');
const { subscribe } = await import('@/bench/lib/http');
const { signInAll } = await import('@/bench/lib/sessions');
const { pool } = await import('@/bench/lib/stats');
const { loadWorld, openBenchRelay } = await import('@/bench/lib/world');

type Server = InstanceType<typeof BenchServer>;
type JoinOutcome = Awaited<ReturnType<typeof joinOverHttp>>;

const HOUSEHOLDS = 48;
const basePort = Number(process.env.BROWSER_PORT ?? 3100) + 40;

describe('rolling restart: one of two instances stopped (SIGTERM) during a burst of joins', () => {
  let bdb: Awaited<ReturnType<typeof createBenchDatabase>>;
  let database: Database;
  let mock: StripeMock;
  const servers: Server[] = [];

  beforeAll(async () => {
    bdb = await createBenchDatabase('postgres');
    database = await bdb.open();
    await migrateDatabase(database);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await mock?.close();
    await database?.close();
    await bdb?.drop();
  }, 120_000);

  it('answers no 5xx, loses and doubles no order, and live pages reconnect and see the next join', async () => {
    const w = await loadWorld(database, HOUSEHOLDS + 20);
    const relay = await openBenchRelay(database, w, {
      title: '滚动重启 · 接龙',
      cap: 100_000,
      perHouseholdLimit: 10,
    });
    const secrets = {
      // Demo mode: sign-in codes go to the server log, where the harness reads them (a production
      // start refuses the log sender). The database is seeded already, so nothing else changes.
      LINLI_DEMO: '1',
      AUTH_SECRET: randomBytes(32).toString('hex'),
      BAG_CODE_SECRET: randomBytes(32).toString('hex'),
      STRIPE_SECRET_KEY: `sk_test_restart_${randomBytes(6).toString('hex')}`,
      STRIPE_WEBHOOK_SECRET: `whsec_restart_${randomBytes(16).toString('hex')}`,
      DRAIN_TIMEOUT_MS: '10000',
    };
    const a = new BenchServer({ name: 'restart-a', port: basePort, env: { ...bdb.serverEnv, ...secrets } });
    const b = new BenchServer({
      name: 'restart-b',
      port: basePort + 1,
      env: { ...bdb.serverEnv, ...secrets },
    });
    servers.push(a, b);
    mock = await startStripeMock({
      port: basePort + 2,
      webhookUrl: `${b.url}/api/stripe/webhook`,
      webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
    });
    for (const s of servers) s.opts.env.STRIPE_API_BASE = mock.url;
    await a.start(180_000);
    await b.start(180_000);

    // Not the demo accounts: their fixed codes never reach the log the harness reads.
    const households = w.households.filter((h) => !h.phone.startsWith('+86138000000'));
    const residents = await signInAll(a, households.slice(0, HOUSEHOLDS + 1), 6);
    const watcher = residents.pop()!;

    // A live page on instance A.
    const events: { id: string | null; at: number }[] = [];
    const onEvent = (e: { id: string | null; event: string; at: number }) => {
      if (e.event === 'message') events.push({ id: e.id, at: e.at });
    };
    const input = { communityId: w.communityId, relayId: relay.relayId };
    const liveA = subscribe(a.url, 'relay.onChange', input, watcher.phoneClient.jar.header(), onEvent);
    await liveA.ready;

    // The burst: households alternate between the instances; A is stopped once 12 joins were acknowledged.
    const outcomes: JoinOutcome[] = [];
    const acked = new Map<string, JoinOutcome>();
    const stop: { done: Promise<void> | null } = { done: null };
    await pool(residents.length, 6, async (i) => {
      const r = residents[i]!;
      const key = `restart-${r.householdId}`;
      let target = i % 2 === 0 ? a : b;
      for (let attempt = 0; attempt < 6; attempt++) {
        const o = await joinOverHttp(r.phoneClient.at(target.url), w, relay, r.householdId, { key });
        outcomes.push(o);
        if (o.kind === 'accepted') {
          acked.set(r.householdId, o);
          break;
        }
        if (o.kind === 'rejected') break;
        // No answer (connection refused or cut) or a 503 from the stopping instance: retry elsewhere.
        target = target === a ? b : a;
        if (target === a && stop.done) target = b;
        await new Promise((res) => setTimeout(res, 100 * (attempt + 1)));
      }
      if (!stop.done && acked.size >= 12) stop.done = a.stop();
    });
    expect(stop.done, 'the burst ended before instance A was stopped').not.toBeNull();
    await stop.done;

    // 1. No 5xx was answered, whatever the instance; every household got its order.
    const fivexx = outcomes.filter((o) => o.status >= 500);
    expect(fivexx.map((o) => `${o.status} ${o.code}`)).toEqual([]);
    expect(outcomes.filter((o) => o.kind === 'rejected').map((o) => o.code)).toEqual([]);
    expect(acked.size).toBe(residents.length);

    // 2. Every acknowledged order is in the database once, under the number it was acknowledged with.
    const rows = await queryRows<{ id: string; seq: number; household_id: string }>(
      database.db,
      sql`select id, seq, household_id from orders
           where community_id = ${w.communityId}::uuid and relay_id = ${relay.relayId}::uuid`,
    );
    expect(rows).toHaveLength(residents.length);
    const byHousehold = new Map(rows.map((o) => [o.household_id, o]));
    expect(byHousehold.size).toBe(residents.length);
    for (const [household, o] of acked) {
      expect(byHousehold.get(household)?.id).toBe(o.orderId);
      expect(Number(byHousehold.get(household)?.seq)).toBe(o.seq);
    }
    expect(rows.map((o) => Number(o.seq)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: residents.length }, (_, i) => i + 1),
    );

    // 3. A's stream ended with the stop (a retry hint, not an error), and the page reconnects to B.
    await liveA.done;
    const liveB = subscribe(b.url, 'relay.onChange', input, watcher.phoneClient.jar.header(), onEvent);
    await liveB.ready;
    await waitFor(() => events.length > 0, 15_000);
    const seen = events.length;
    const late = await joinOverHttp(watcher.phoneClient.at(b.url), w, relay, watcher.householdId);
    expect(late.kind).toBe('accepted');
    await waitFor(() => events.slice(seen).some((e) => e.id !== null), 20_000);
    liveB.close();

    // 4. A comes back (the second half of a rolling restart) and serves the same sessions.
    await a.start(180_000);
    const again = await watcher.phoneClient.at(a.url).query('relay.get', input);
    expect(again.status).toBe(200);
  }, 600_000);
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
