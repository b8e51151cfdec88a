/**
 * The relay benches on one database driver, against the production server:
 *   flash    1,000 signed-in households join one relay with 300 capped units at concurrency
 *            50 / 100 / 200 over HTTP, beside the bare SQL transaction at the same concurrency;
 *   scale    join p50 and pick-list build time with 100 / 1,000 / 10,000 earlier orders;
 *   fan-out  500 SSE subscribers, time from a join to the last of them seeing it;
 *   faults   kill -9 during a flash, every webhook replayed twice, cutoff on two instances.
 *
 * Order of work (PGlite allows one process per data directory, so the bench only touches the
 * database itself while no server runs): set up and run the SQL baseline → start the server, sign
 * in, run everything over HTTP → stop it and check the database.
 *
 * Sizes come from the environment so development runs stay small:
 * BENCH_HOUSEHOLDS (1000), BENCH_CONCURRENCY (50,100,200), BENCH_CAP (300), BENCH_SCALE
 * (100,1000,10000), BENCH_SCALE_JOINS (30), BENCH_SUBSCRIBERS (500), BENCH_FANOUT_JOINS (5),
 * BENCH_PARTS (flash,scale,fanout,faults), BENCH_PORT (3400; PGlite +10), BENCH_MOCK_PORT (12400).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { migrateDatabase, queryRows, type Database, type Driver } from '@/db/client';
import { createStripeClient } from '@/server/payments/stripe';
import { startStripeMock, type StripeMock } from '@/server/payments/stripe-mock/server';
import { getRelayPickList } from '@/server/services/picklist/get-relay-pick-list';
import { openBaseline, runBaselineBurst, type BaselineConn } from './lib/baseline';
import { measureCpu } from './lib/cpu';
import { createBenchDatabase, type BenchDatabase } from './lib/database';
import { runFanout } from './lib/fanout';
import { startPgCounter, type PgCounter } from './lib/pg-counter';
import {
  checkKillDrill,
  payableAfterRestart,
  digestDiff,
  killDuringFlash,
  payIntents,
  stateDigest,
  type KillDrill,
} from './lib/faults';
import { joinOverHttp, relayFacts, summarizeBurst, type JoinOutcome } from './lib/join';
import { BenchServer, buildApp, ROOT } from './lib/server';
import { signInAll, type Resident } from './lib/sessions';
import { latencies, median, pool, round } from './lib/stats';
import { bulkOrders, loadWorld, openBenchRelay, type RelayRef, type World } from './lib/world';
import type { Measure } from './run';

const int = (v: string | undefined, d: number) => (v ? Number.parseInt(v, 10) : d);
const list = (v: string | undefined, d: number[]) =>
  v ? v.split(',').map((x) => Number.parseInt(x, 10)) : d;

export const CONFIG = {
  households: int(process.env.BENCH_HOUSEHOLDS, 1000),
  concurrency: list(process.env.BENCH_CONCURRENCY, [50, 100, 200]),
  cap: int(process.env.BENCH_CAP, 300),
  perHouseholdLimit: 2,
  scale: list(process.env.BENCH_SCALE, [100, 1000, 10000]),
  scaleJoins: int(process.env.BENCH_SCALE_JOINS, 30),
  subscribers: int(process.env.BENCH_SUBSCRIBERS, 500),
  fanoutJoins: int(process.env.BENCH_FANOUT_JOINS, 4),
  /** Households in the kill drill: enough for the kill to land mid-flash with the cap still open. */
  killHouseholds: int(process.env.BENCH_KILL_HOUSEHOLDS, 400),
  parts: new Set((process.env.BENCH_PARTS ?? 'flash,scale,fanout,faults').split(',')),
  /** The app's PostgreSQL pool (db/client.ts openPostgres default); the baseline gets the same. */
  pool: 10,
};

let built: number | null = null;
function buildOnce(): number {
  built ??= buildApp();
  return built;
}

type Relays = {
  flash: Map<number, RelayRef>;
  baseline: Map<number, RelayRef>;
  scale: Map<number, RelayRef>;
  fanout: RelayRef | null;
  kill: RelayRef | null;
  trips?: RelayRef;
};

/** Households beyond the wanted number, so the demo's role accounts can be left out. */
const DEMO_PHONES = 10;

/** Joins of the warm-up before the measured bursts, on both sides. */
const WARM_UP = 100;

const log = (driver: Driver, msg: string) => console.error(`[bench] ${driver}: ${msg}`);

export async function runRelayBench(driver: Driver): Promise<Measure[]> {
  const out: Measure[] = [];
  const C = CONFIG;
  const has = (p: string) => C.parts.has(p);
  const buildMs = buildOnce();
  const portBase = int(process.env.BENCH_PORT, 3400) + (driver === 'pglite' ? 10 : 0);
  const mockPort = int(process.env.BENCH_MOCK_PORT, 12400) + (driver === 'pglite' ? 10 : 0);
  const bdb = await createBenchDatabase(driver);
  const secrets = {
    // Demo mode, because a production start (LINLI_DEMO=0) refuses the `log` OTP sender the bench
    // reads codes from (server/config/production-check.ts). Nothing else of the demo is kept: no
    // fixed codes for anyone (every phone signs in with a random code), no /dev/outbox; the bench
    // seeds the database itself, so start.ts seeds nothing.
    LINLI_DEMO: '1',
    AUTH_TEST_OTPS: '',
    ALLOW_TEST_OTPS: '0',
    LINLI_DEV_OUTBOX: '0',
    AUTH_SECRET: randomBytes(32).toString('hex'),
    BAG_CODE_SECRET: randomBytes(32).toString('hex'),
    STRIPE_SECRET_KEY: `sk_test_bench_${randomBytes(6).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: `whsec_bench_${randomBytes(16).toString('hex')}`,
  };
  let mock: StripeMock | null = null;
  const servers: BenchServer[] = [];
  let live: Database | null = null;
  let counter: PgCounter | null = null;
  try {
    // ── 1. Set-up and the SQL baseline, with no server running ──────────────────────────────────
    let t = performance.now();
    let database = await bdb.open();
    await migrateDatabase(database);
    const w = await loadWorld(database, C.households + DEMO_PHONES);
    // Not the demo's role accounts (+86138000000x): the demo signs them in with fixed codes.
    w.households = w.households.filter((h) => !h.phone.startsWith('+86138000000')).slice(0, C.households);
    const relays: Relays = {
      flash: new Map(),
      baseline: new Map(),
      scale: new Map(),
      fanout: null,
      kill: null,
    };
    const capped = { cap: C.cap, perHouseholdLimit: C.perHouseholdLimit };
    // Warm-up relays: the first burst of a cold process (JIT, query plans, PGlite's WASM) would
    // otherwise be measured against a warm one.
    const warm = { cap: 1_000_000, perHouseholdLimit: 1000 };
    let warmBaseline: RelayRef | null = null;
    let warmLinli: RelayRef | null = null;
    if (has('flash')) {
      warmBaseline = await openBenchRelay(database, w, { title: '压测 · 预热 基线', ...warm });
      warmLinli = await openBenchRelay(database, w, { title: '压测 · 预热', ...warm });
      for (const c of C.concurrency) {
        relays.flash.set(c, await openBenchRelay(database, w, { title: `压测 · 抢购 c=${c}`, ...capped }));
        relays.baseline.set(c, await openBenchRelay(database, w, { title: `压测 · 基线 c=${c}`, ...capped }));
      }
    }
    if (has('scale')) {
      for (const n of C.scale) {
        const r = await openBenchRelay(database, w, {
          title: `压测 · 规模 ${n}`,
          cap: 1_000_000,
          perHouseholdLimit: 1000,
        });
        await bulkOrders(database, w, r, n);
        relays.scale.set(n, r);
      }
    }
    if (has('fanout'))
      relays.fanout = await openBenchRelay(database, w, {
        title: '压测 · 实时',
        cap: null,
        perHouseholdLimit: null,
      });
    if (has('faults')) relays.kill = await openBenchRelay(database, w, { title: '压测 · 断电', ...capped });
    if (has('flash') && driver === 'postgres')
      relays.trips = await openBenchRelay(database, w, {
        title: '压测 · 往返',
        cap: null,
        perHouseholdLimit: null,
      });
    log(
      driver,
      `database ${bdb.label}: demo seeded, ${w.households.length} households, relays ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // The SQL baseline of each concurrency. On PostgreSQL it runs right before the HTTP burst of the
    // same concurrency (the server idle), so both see the same load on this shared machine; on PGlite
    // the database belongs to whichever process opened it, so all baselines run here, before the
    // server starts.
    const baselines = new Map<number, ReturnType<typeof summarizeBurst>>();
    const baselineFacts = new Map<number, Awaited<ReturnType<typeof relayFacts>>>();
    let baselineConn: BaselineConn | null = null;
    const runBaseline = async (c: number) => {
      const started = performance.now();
      const b = await runBaselineBurst(
        baselineConn!,
        w.communityId,
        relays.baseline.get(c)!,
        w.households,
        c,
        C.perHouseholdLimit,
      );
      const withAt = b.outcomes.map((o) => ({
        kind: o.ok ? 'accepted' : 'rejected',
        code: o.code,
        ms: o.ms,
        at: o.at,
      }));
      baselines.set(c, summarizeBurst(withAt, b.wallMs, started));
      log(driver, `baseline c=${c}: ${baselines.get(c)!.orders_per_s} orders/s`);
    };
    if (has('flash')) {
      if (driver === 'pglite') await database.close();
      baselineConn = await openBaseline(driver, { url: bdb.url, dataDir: bdb.label }, C.pool);
      await runBaselineBurst(
        baselineConn,
        w.communityId,
        warmBaseline!,
        w.households.slice(0, WARM_UP),
        10,
        1000,
      );
      if (driver === 'pglite') {
        try {
          for (const c of C.concurrency) await runBaseline(c);
        } finally {
          await baselineConn.close();
          baselineConn = null;
        }
        database = await bdb.open();
        for (const c of relays.baseline.keys())
          baselineFacts.set(c, await relayFacts(database.db, w, relays.baseline.get(c)!));
      }
    }
    if (driver === 'pglite') await database.close();
    else live = database;

    // ── 2. The production server ────────────────────────────────────────────────────────────────
    // On PostgreSQL it reaches the database through a relay that counts what the database answers
    // (bench/lib/pg-counter.ts), so round trips are counted on the wire, session check included.
    if (driver === 'postgres') counter = await startPgCounter(bdb.url!, portBase + 3);
    const server = new BenchServer({
      name: `${driver}-a`,
      port: portBase,
      env: { ...bdb.serverEnv, ...(counter ? { DATABASE_URL: counter.url } : {}), ...secrets },
    });
    servers.push(server);
    mock = await startStripeMock({
      port: mockPort,
      webhookUrl: `${server.url}/api/stripe/webhook`,
      webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
    });
    server.opts.env.STRIPE_API_BASE = mock.url;
    const stripe = createStripeClient(mock.url, secrets.STRIPE_SECRET_KEY);
    const startMs = await server.start();
    t = performance.now();
    const residents = await signInAll(server, w.households, 16);
    const signInMs = performance.now() - t;
    out.push({
      bench: 'sessions',
      driver,
      measure: `sign in ${residents.length} phones over HTTP (requestOtp + csrf + callback)`,
      ms: round(signInMs),
      per_s: round((residents.length / signInMs) * 1000),
      build_ms: round(buildMs),
      server_start_ms: round(startMs),
    });
    log(
      driver,
      `server up in ${round(startMs)} ms; ${residents.length} phones signed in in ${(signInMs / 1000).toFixed(1)} s`,
    );

    // ── flash ───────────────────────────────────────────────────────────────────────────────────
    const flashOutcomes = new Map<number, JoinOutcome[]>();
    const flashSummaries = new Map<number, ReturnType<typeof summarizeBurst>>();
    /** CPU of each burst (app process group + PostgreSQL backends), and of an all-refused burst. */
    const flashCpu = new Map<number, { appMs: number; dbMs: number; refusedPerJoinMs: number }>();
    if (warmLinli) {
      await pool(Math.min(WARM_UP, residents.length), 10, (i) =>
        joinOverHttp(residents[i]!.phoneClient, w, warmLinli, residents[i]!.householdId),
      );
    }
    for (const c of relays.flash.keys()) {
      if (baselineConn) await runBaseline(c);
      const r = relays.flash.get(c)!;
      const started = performance.now();
      const cpu = await measureCpu(server.pid, live?.db ?? null, () =>
        pool(residents.length, c, (i) =>
          joinOverHttp(residents[i]!.phoneClient, w, r, residents[i]!.householdId),
        ),
      );
      const outcomes = cpu.result;
      const s = summarizeBurst(outcomes, performance.now() - started, started);
      // The relay is sold out now: the same phones again are all refusals — their cost per join.
      const refusedN = Math.min(300, residents.length);
      const refused = await measureCpu(server.pid, live?.db ?? null, () =>
        pool(refusedN, c, (i) => joinOverHttp(residents[i]!.phoneClient, w, r, residents[i]!.householdId)),
      );
      const refusedOk = refused.result.filter((o) => o.kind === 'rejected').length;
      flashCpu.set(c, {
        appMs: cpu.appMs,
        dbMs: cpu.dbMs,
        refusedPerJoinMs: refusedOk ? (refused.appMs + refused.dbMs) / refusedOk : 0,
      });
      flashOutcomes.set(c, outcomes);
      flashSummaries.set(c, s);
      log(
        driver,
        `flash c=${c}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.errors_5xx} 5xx, ${s.orders_per_s} orders/s, p50 ${s.p50_ms} ms`,
      );
    }

    // Round trips of an accepted join, counted on the wire: joins one at a time over HTTP on a relay
    // with stock, each by a signed-in phone, less what the server's job loops send in an idle
    // stretch of the same length right after.
    const roundTrips =
      counter && relays.trips ? await countRoundTrips(counter, residents, w, relays.trips) : null;
    if (roundTrips !== null) log(driver, `round trips per accepted join (on the wire): ${roundTrips}`);

    // ── scale ───────────────────────────────────────────────────────────────────────────────────
    const scaleMs = new Map<number, number[]>(C.scale.map((n) => [n, []]));
    if (relays.scale.size) {
      // Round-robin over the sizes, so drift in the machine's load hits every size alike.
      for (let k = 0; k < C.scaleJoins; k++) {
        for (const n of C.scale) {
          const who = residents[k % residents.length]!;
          const o = await joinOverHttp(who.phoneClient, w, relays.scale.get(n)!, who.householdId);
          if (o.kind !== 'accepted') throw new Error(`scale join at ${n} refused: ${o.status} ${o.code}`);
          scaleMs.get(n)!.push(o.ms);
        }
      }
    }

    // ── fan-out ─────────────────────────────────────────────────────────────────────────────────
    if (relays.fanout) {
      const listeners = residents.slice(0, Math.min(C.subscribers, residents.length));
      const joiners = Array.from(
        { length: C.fanoutJoins },
        (_, j) => residents[(C.subscribers + j) % residents.length]!,
      );
      const f = await runFanout(server.url, w, relays.fanout, listeners, joiners);
      const lastTimes = f.joins.map((j) => j.max);
      out.push({
        bench: 'fan-out',
        driver,
        measure: `${f.subscribers} SSE subscribers, ${f.joins.length} joins`,
        ms: round(median(lastTimes)),
        subscribers: f.subscribers,
        connected: f.connected,
        connect_ms: f.connectMs,
        received_min: Math.min(...f.joins.map((j) => j.received)),
        to_p50_subscriber_ms: round(median(f.joins.map((j) => j.p50))),
        to_last_subscriber_p50_ms: round(median(lastTimes)),
        to_last_subscriber_max_ms: round(Math.max(...lastTimes)),
        join_p50_ms: round(median(f.joins.map((j) => j.join.ms))),
      });
      log(
        driver,
        `fan-out: last of ${f.connected} subscribers after ${round(median(lastTimes))} ms (p50 of ${f.joins.length} joins)`,
      );
    }

    // ── faults ──────────────────────────────────────────────────────────────────────────────────
    let drill: KillDrill | null = null;
    let payableAfterKill = 0;
    let replay: Measure | null = null;
    let cutoff: Measure | null = null;
    if (relays.kill) {
      drill = await killDuringFlash(server, w, relays.kill, residents.slice(0, C.killHouseholds), {
        concurrency: 100,
        killAfter: Math.min(100, Math.floor(C.cap / 3)),
      });
      payableAfterKill = await payableAfterRestart(w, drill);
      log(
        driver,
        `kill -9 after ${drill.acked.length} acknowledged joins at ${drill.killAtMs} ms; ${drill.unanswered} unanswered; restarted in ${drill.restartMs} ms`,
      );

      // Payments, so the run has webhooks to replay: the c=50 flash orders pay (1 in 50 declines).
      const firstFlash = flashOutcomes.get(C.concurrency[0]!) ?? [];
      const intents = firstFlash
        .filter((o) => o.kind === 'accepted' && o.paymentIntentId)
        .map((o) => o.paymentIntentId!);
      const paid = await payIntents(stripe, intents, { declineEvery: 50 });
      await mock.waitForWebhooks();
      log(driver, `${paid.length} of ${intents.length} orders paid at the mock; webhooks delivered`);

      if (driver === 'postgres')
        cutoff = await cutoffOnTwoInstances(
          live!,
          bdb,
          w,
          residents,
          server,
          servers,
          mock,
          stripe,
          portBase + 1,
          secrets,
        );

      // Every webhook of the run, twice more.
      const delivered = [
        ...new Set(
          mock
            .deliveries()
            .filter((d) => d.outcome === 'delivered')
            .map((d) => d.eventId),
        ),
      ];
      const before = await withDatabase(driver, bdb, server, live, (db) => stateDigest(db.db, w.communityId));
      const replayStarted = performance.now();
      let redeliveries = 0;
      let refused = 0;
      // Both copies of an event at the same moment: the harder case for "each event once".
      await pool(delivered.length, 4, async (i) => {
        const copies = await Promise.all([mock!.redeliver(delivered[i]!), mock!.redeliver(delivered[i]!)]);
        redeliveries += copies.length;
        refused += copies.filter((d) => d.outcome !== 'delivered').length;
      });
      await mock.waitForWebhooks();
      const replayMs = performance.now() - replayStarted;
      const after = await withDatabase(driver, bdb, server, live, (db) => stateDigest(db.db, w.communityId));
      const changed = digestDiff(before, after);
      replay = {
        bench: 'faults',
        driver,
        measure: 'replay every Stripe webhook twice (both copies at once)',
        ms: round(replayMs),
        events: delivered.length,
        redeliveries,
        not_2xx: refused,
        changed: changed.length,
        changed_tables: changed.join(' ') || '-',
      };
      log(
        driver,
        `webhook replay: ${delivered.length} events × 2, changed: ${changed.join(', ') || 'nothing'}`,
      );
    }

    // ── 3. Stop, then look at the database ─────────────────────────────────────────────────────
    for (const s of servers) await s.stop();
    await baselineConn?.close();
    baselineConn = null;
    const db = live ?? (await bdb.open());
    try {
      for (const c of relays.baseline.keys()) {
        if (!baselineFacts.has(c)) baselineFacts.set(c, await relayFacts(db.db, w, relays.baseline.get(c)!));
      }
      for (const c of relays.flash.keys()) {
        const s = flashSummaries.get(c)!;
        const b = baselines.get(c)!;
        const facts = await relayFacts(db.db, w, relays.flash.get(c)!);
        const bf = baselineFacts.get(c)!;
        const cpu = flashCpu.get(c)!;
        // Accepted joins' share of the burst's CPU: the burst less its refusals at the measured
        // cost of a refusal (an all-refused burst on the sold-out relay right after).
        const acceptedCpu = cpu.appMs + cpu.dbMs - s.rejected * cpu.refusedPerJoinMs;
        out.push({
          bench: 'flash',
          driver,
          measure: `linli c=${c}`,
          ms: s.wall_ms,
          concurrency: c,
          ...s,
          cpu_app_ms: round(cpu.appMs),
          cpu_db_ms: round(cpu.dbMs),
          cpu_ms_per_refused_join: round(cpu.refusedPerJoinMs, 2),
          cpu_ms_per_accepted_join: s.accepted ? round(acceptedCpu / s.accepted, 2) : null,
          round_trips_per_accepted_join: roundTrips,
          oversold: facts.oversold,
          sold: facts.sold,
          orders_in_db: facts.orders_in_db,
          acked_match_db: facts.orders_in_db === s.accepted,
          seq_gap_free: facts.seq_gap_free && facts.seq_unique,
          ratio_to_baseline: round(s.orders_per_s / b.orders_per_s, 2),
        });
        out.push({
          bench: 'flash',
          driver,
          measure: `baseline c=${c}`,
          ms: b.wall_ms,
          concurrency: c,
          ...b,
          oversold: bf.oversold,
          sold: bf.sold,
          orders_in_db: bf.orders_in_db,
          acked_match_db: bf.orders_in_db === b.accepted,
          seq_gap_free: bf.seq_gap_free && bf.seq_unique,
          ratio_to_baseline: 1,
        });
      }

      if (relays.scale.size) {
        const p50s = new Map(C.scale.map((n) => [n, latencies(scaleMs.get(n)!)]));
        // The pick list needs a formed relay: mark them formed (what the cutoff would do) and build.
        const picks = new Map<number, number>();
        for (const n of C.scale) {
          const r = relays.scale.get(n)!;
          await db.db.execute(sql`update relays set status = 'formed', closed_at = now(), decided_at = now()
                                   where community_id = ${w.communityId}::uuid and id = ${r.relayId}::uuid`);
        }
        const ctx = { database: db, db: db.db, user: w.owner, now: () => new Date() };
        for (const n of C.scale)
          await getRelayPickList({ ctx, input: { relayId: relays.scale.get(n)!.relayId } }); // warm-up
        const times = new Map<number, number[]>(C.scale.map((n) => [n, []]));
        for (let k = 0; k < 5; k++) {
          for (const n of C.scale) {
            const t1 = performance.now();
            await getRelayPickList({ ctx, input: { relayId: relays.scale.get(n)!.relayId } });
            times.get(n)!.push(performance.now() - t1);
          }
        }
        for (const n of C.scale) picks.set(n, median(times.get(n)!));
        const small = C.scale[0]!;
        for (const n of C.scale) {
          const l = p50s.get(n)!;
          out.push({
            bench: 'scale',
            driver,
            measure: `join with ${n} orders in the relay`,
            ms: l.p50,
            existing_orders: n,
            joins: l.n,
            p50_ms: l.p50,
            p95_ms: l.p95,
            ratio_to_smallest: round(l.p50 / p50s.get(small)!.p50, 2),
          });
        }
        for (const n of C.scale) {
          out.push({
            bench: 'scale',
            driver,
            measure: `pick-list build with ${n} orders`,
            ms: round(picks.get(n)!),
            existing_orders: n,
            joins: null,
            p50_ms: round(picks.get(n)!),
            p95_ms: null,
            ratio_to_smallest: round(picks.get(n)! / picks.get(small)!, 2),
          });
        }
      }

      if (drill && relays.kill) {
        const k = await checkKillDrill(db.db, w, relays.kill, drill);
        const facts = await relayFacts(db.db, w, relays.kill);
        out.push({
          bench: 'faults',
          driver,
          measure: 'kill -9 during a flash, restart, phones retry',
          ms: drill.restartMs,
          acked_before_kill: drill.acked.length,
          unanswered_at_kill: drill.unanswered,
          retried_or_late: drill.after.length,
          after_restart_accepted: drill.after.filter((o) => o.kind === 'accepted').length,
          // Committed before the kill, answer lost with the connection: the retry got the same order back.
          recovered_by_retry: drill.after.filter((o) => o.kind === 'accepted' && o.replayed).length,
          after_restart_5xx: drill.after.filter((o) => o.kind === 'error').length,
          orders_in_db: k.orders_in_db,
          lost: k.lost,
          acked_payable_after_restart: payableAfterKill,
          duplicated: k.duplicated,
          oversold: facts.oversold,
          kill_at_ms: drill.killAtMs,
          restart_ms: drill.restartMs,
        });
      }
      if (replay) out.push(replay);
      if (cutoff) out.push(cutoff);
      else if (has('faults') && driver === 'pglite') {
        out.push({
          bench: 'faults',
          driver,
          measure: 'cutoff on two instances',
          ms: 0,
          skipped:
            'PGlite is an embedded database owned by one process: two app instances cannot share it (see the PostgreSQL row)',
        });
      }
    } finally {
      if (!live) await db.close();
    }
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await mock?.close().catch(() => {});
    await counter?.close().catch(() => {});
    if (live) await live.close().catch(() => {});
    await bdb.drop().catch((e) => console.error('[bench] drop failed', e));
  }
  out.push(acceptance(driver, out));
  return out;
}

/** ReadyForQuery messages per accepted join over HTTP, net of the idle background (see above). */
async function countRoundTrips(counter: PgCounter, residents: Resident[], w: World, r: RelayRef, joins = 20) {
  const who = residents.slice(0, joins + 1);
  const first = await joinOverHttp(who[0]!.phoneClient, w, r, who[0]!.householdId); // warm-up
  if (first.kind !== 'accepted') throw new Error(`round-trip join refused: ${first.status} ${first.code}`);
  const z0 = counter.readyForQuery();
  const t0 = performance.now();
  for (const h of who.slice(1)) {
    const o = await joinOverHttp(h.phoneClient, w, r, h.householdId);
    if (o.kind !== 'accepted' || o.replayed)
      throw new Error(`round-trip join not a fresh order: ${o.status} ${o.code}`);
  }
  const during = counter.readyForQuery() - z0;
  const spanMs = performance.now() - t0;
  const z1 = counter.readyForQuery();
  await new Promise((res) => setTimeout(res, spanMs));
  const idle = counter.readyForQuery() - z1;
  return round((during - idle) / (who.length - 1), 2);
}

/** The acceptance figures of one driver in one line: what must be 0, the ratios, and whether they hold. */
function acceptance(driver: Driver, rows: Measure[]): Measure {
  const sum = (bench: string, key: string) =>
    rows
      .filter((r) => r.bench === bench && typeof r[key] === 'number')
      .reduce((a, r) => a + (r[key] as number), 0);
  const flashLinli = rows.filter((r) => r.bench === 'flash' && String(r.measure).startsWith('linli'));
  const ratios = flashLinli.map((r) => r.ratio_to_baseline as number);
  const maxOf = (key: string) => {
    const v = flashLinli.map((r) => r[key]).filter((x): x is number => typeof x === 'number');
    return v.length ? Math.max(...v) : null;
  };
  const scaleJoins = rows.filter((r) => r.bench === 'scale' && String(r.measure).startsWith('join'));
  const largest = scaleJoins[scaleJoins.length - 1];
  const replay = rows.find((r) => r.bench === 'faults' && String(r.measure).startsWith('replay'));
  const cutoff = rows.find(
    (r) => r.bench === 'faults' && String(r.measure).startsWith('cutoff') && 'closed_once' in r,
  );
  const oversold = sum('flash', 'oversold') + sum('faults', 'oversold');
  const lost = sum('faults', 'lost');
  const duplicated = sum('faults', 'duplicated');
  const errors = sum('flash', 'errors_5xx') + sum('faults', 'after_restart_5xx');
  const scaleRatio = largest ? (largest.ratio_to_smallest as number) : null;
  return {
    bench: 'acceptance',
    driver,
    measure: 'what must hold',
    ms: 0,
    oversold,
    lost,
    duplicated,
    errors_5xx: errors,
    webhook_replay_changed: replay ? (replay.changed as number) : null,
    cutoff_once: cutoff ? Boolean(cutoff.closed_once && cutoff.refunded_once) : null,
    flash_ratio_min: ratios.length ? Math.min(...ratios) : null,
    flash_ratio_max: ratios.length ? Math.max(...ratios) : null,
    cpu_ms_per_accepted_join_max: maxOf('cpu_ms_per_accepted_join'),
    cpu_ms_per_refused_join_max: maxOf('cpu_ms_per_refused_join'),
    round_trips_per_accepted_join: maxOf('round_trips_per_accepted_join'),
    p99_ms_max: maxOf('p99_ms'),
    join_p50_largest_vs_smallest: scaleRatio,
    holds:
      oversold === 0 &&
      lost === 0 &&
      duplicated === 0 &&
      errors === 0 &&
      (replay ? replay.changed === 0 : true) &&
      (cutoff ? Boolean(cutoff.closed_once && cutoff.refunded_once) : true) &&
      (scaleRatio === null || scaleRatio <= 1.5),
  };
}

/** Runs `fn` on the run's database: directly on PostgreSQL; on PGlite with the server stopped for it. */
async function withDatabase<T>(
  driver: Driver,
  bdb: BenchDatabase,
  server: BenchServer,
  live: Database | null,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  if (driver === 'postgres') return fn(live!);
  await server.stop();
  const db = await bdb.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
    await server.start();
  }
}

/**
 * Three relays that will fail (threshold out of reach) close at the same moment while two app
 * instances run their job loops against the same database, and two more processes run the cutoff
 * job at exactly that moment; every order is paid, so failing means refunds. Each relay must close
 * and fail exactly once, and each paid order be refunded exactly once: in our database and at the
 * mock.
 */
async function cutoffOnTwoInstances(
  db: Database,
  bdb: BenchDatabase,
  w: World,
  residents: Resident[],
  a: BenchServer,
  servers: BenchServer[],
  mock: StripeMock,
  stripe: ReturnType<typeof createStripeClient>,
  port: number,
  secrets: Record<string, string>,
): Promise<Measure> {
  const started = performance.now();
  const b = new BenchServer({
    name: 'postgres-b',
    port,
    env: { ...bdb.serverEnv, ...secrets, STRIPE_API_BASE: mock.url },
  });
  servers.push(b);
  await b.start();
  const closeInS = 20;
  const relays: RelayRef[] = [];
  for (let i = 0; i < 3; i++) {
    relays.push(
      await openBenchRelay(db, w, {
        title: `压测 · 截单 ${i + 1}`,
        cap: 1000,
        perHouseholdLimit: 2,
        closesInMinutes: closeInS / 60,
        threshold: { kind: 'households', value: 10_000 },
      }),
    );
  }
  const [due] = await queryRows<{ at: string }>(
    db.db,
    sql`select closes_at::text as at from relays where community_id = ${w.communityId}::uuid and id = ${relays[2]!.relayId}::uuid`,
  );
  const closesAt = new Date(due!.at).getTime();
  // 10 households per relay join, through both instances, and all pay (an unpaid hold would keep
  // the relay undecided until it ends, 15 minutes later).
  const intents: string[] = [];
  for (const [ri, r] of relays.entries()) {
    const who = residents.slice(ri * 10, ri * 10 + 10);
    const joined = await pool(who.length, 5, (i) =>
      joinOverHttp(who[i]!.phoneClient.at(i % 2 ? b.url : a.url), w, r, who[i]!.householdId),
    );
    intents.push(...joined.flatMap((o) => (o.paymentIntentId ? [o.paymentIntentId] : [])));
  }
  const paid = await payIntents(stripe, intents);
  await mock.waitForWebhooks();
  if (Date.now() > closesAt)
    console.error('[bench] cutoff drill: the relays closed before every order was paid');

  // Two more contenders start the cutoff job at the very moment the last relay is due.
  const contenders = await Promise.all([0, 1].map(() => cutoffWorker(bdb, mock, secrets, closesAt + 100)));
  const relayIds = relays.map((r) => r.relayId);
  // A Postgres array literal: drizzle would spread a JS array into a row of parameters.
  const idArray = `{${relayIds.join(',')}}`;
  // The decision and the refunds: bounded wait.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [s] = await queryRows<{ decided: number; refunds_ok: number }>(
      db.db,
      sql`select (select count(*)::int from relays where id = any(${idArray}::uuid[]) and status in ('failed', 'formed')) as decided,
                 (select count(*)::int from refunds f join orders o on o.community_id = f.community_id and o.id = f.order_id
                   where o.relay_id = any(${idArray}::uuid[]) and f.status = 'succeeded') as refunds_ok`,
    );
    if (s!.decided === relays.length && s!.refunds_ok >= paid.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await mock.waitForWebhooks();
  const [c] = await queryRows<{
    closed: number;
    decided: number;
    failed: number;
    refunds: number;
    refunded_orders: number;
    refunds_twice: number;
  }>(
    db.db,
    sql`select (select count(*)::int from audit_log where community_id = ${w.communityId}::uuid and entity_type = 'relay' and entity_id = any(${idArray}::text[]) and action = 'relay.closed') as closed,
               (select count(*)::int from audit_log where community_id = ${w.communityId}::uuid and entity_type = 'relay' and entity_id = any(${idArray}::text[]) and action in ('relay.failed', 'relay.formed')) as decided,
               (select count(*)::int from relays where id = any(${idArray}::uuid[]) and status = 'failed') as failed,
               (select count(*)::int from refunds f join orders o on o.community_id = f.community_id and o.id = f.order_id
                 where o.relay_id = any(${idArray}::uuid[])) as refunds,
               (select count(distinct f.order_id)::int from refunds f join orders o on o.community_id = f.community_id and o.id = f.order_id
                 where o.relay_id = any(${idArray}::uuid[])) as refunded_orders,
               (select count(*)::int from (select f.order_id from refunds f join orders o on o.community_id = f.community_id and o.id = f.order_id
                 where o.relay_id = any(${idArray}::uuid[]) group by f.order_id having count(*) > 1) x) as refunds_twice`,
  );
  const paidSet = new Set(paid);
  const intentOf = (r: { payment_intent: string | { id: string } | null }) =>
    typeof r.payment_intent === 'string' ? r.payment_intent : (r.payment_intent?.id ?? '');
  const mockRefunds = mock.refunds().filter((r) => paidSet.has(intentOf(r)));
  const mockPerIntent = new Map<string, number>();
  for (const r of mockRefunds) mockPerIntent.set(intentOf(r), (mockPerIntent.get(intentOf(r)) ?? 0) + 1);
  await b.stop();
  return {
    bench: 'faults',
    driver: 'postgres',
    measure: 'cutoff on two instances at once',
    ms: round(performance.now() - started),
    relays: relays.length,
    closed_audit_rows: c!.closed,
    decided_audit_rows: c!.decided,
    failed: c!.failed,
    paid_orders: paid.length,
    refunds_db: c!.refunds,
    refunded_orders_db: c!.refunded_orders,
    refunded_twice_db: c!.refunds_twice,
    refunds_mock: mockRefunds.length,
    refunded_twice_mock: [...mockPerIntent.values()].filter((n) => n > 1).length,
    closed_once: c!.closed === relays.length && c!.decided === relays.length,
    refunded_once: c!.refunds === paid.length && c!.refunds_twice === 0 && mockRefunds.length === paid.length,
    contenders: 4,
    job_runs_handled: contenders.map((x) => x.handled).join('+'),
    job_errors: contenders.flatMap((x) => x.errors).length,
  };
}

/** bench/cutoff-worker.ts in its own process, starting the cutoff job at `at` (epoch ms). */
function cutoffWorker(bdb: BenchDatabase, mock: StripeMock, secrets: Record<string, string>, at: number) {
  return new Promise<{ handled: number; errors: string[] }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/cutoff-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...bdb.serverEnv,
        STRIPE_SECRET_KEY: secrets.STRIPE_SECRET_KEY,
        STRIPE_API_BASE: mock.url,
        STRIPE_WEBHOOK_SECRET: secrets.STRIPE_WEBHOOK_SECRET,
        BENCH_CUTOFF_AT: String(at),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`cutoff worker exited with ${code}`);
        resolve(JSON.parse(text.trim().split('\n').pop()!) as { handled: number; errors: string[] });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
