/**
 * Where a join's time goes (`npm run bench -- profile`, PostgreSQL; not in the default run). Five
 * views of the same path:
 *   layers   over HTTP at concurrency 1: a bare route (/api/health), a signed-in tRPC query
 *            (auth.session: Next + session cookie + tRPC), and relay.join itself;
 *   spans    joinRelay called in-process at concurrency 1 with every statement, BEGIN, COMMIT and
 *            NOTIFY timed (the median gap from one to the next over a few joins), beside the bare
 *            SQL transaction of the baseline;
 *   ladder   the flash at one concurrency, one layer added per rung: the core SQL (the baseline);
 *            + the rest of the join transaction's statements; + the service in-process (reads before
 *            the transaction, PaymentIntent after); + HTTP/Next/session/tRPC (the real thing);
 *   micro    the per-request CPU of decoding the session cookie (next-auth JWE) and of parsing the
 *            join input (superjson + zod);
 *   cpu      the server under V8's sampling profiler during a flash at concurrency 100: self time
 *            per category within the flash's window;
 *   db       PostgreSQL backend CPU (/proc) per accepted join, per refused join and per baseline
 *            transaction, one at a time (bench/lib/db-cost.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encode, decode } from 'next-auth/jwt';
import superjson from 'superjson';
import { migrateDatabase, openDatabase } from '@/db/client';
import { createStripeClient, resetStripeClient } from '@/server/payments/stripe';
import { startStripeMock } from '@/server/payments/stripe-mock/server';
import { joinRelay, JoinRelayInput } from '@/server/services/relay/join-relay';
import { isServiceError } from '@/server/services/shared/errors';
import { openBaseline, runBaselineBurst } from './lib/baseline';
import { analyzeCpuProfile } from './lib/cpu-profile';
import { createBenchDatabase } from './lib/database';
import { measureDbCost } from './lib/db-cost';
import { joinOverHttp, newJoinKey, summarizeBurst } from './lib/join';
import { BenchServer, buildApp, LOG_DIR } from './lib/server';
import { signInAll } from './lib/sessions';
import { median, pool, round } from './lib/stats';
import { openTracedPostgres } from './lib/traced-db';
import { loadWorld, openBenchRelay } from './lib/world';
import { CONFIG } from './relay';
import type { Measure } from './run';

const BENCH = 'profile';
const SPAN_JOINS = 15;

async function timeMany(n: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function runProfileBench(): Promise<Measure[]> {
  const out: Measure[] = [];
  const households = CONFIG.households;
  const concurrency = Number(process.env.BENCH_PROFILE_CONCURRENCY ?? 100);
  buildApp();
  const bdb = await createBenchDatabase('postgres');
  // As bench/relay.ts: demo mode only for the `log` OTP sender (a LINLI_DEMO=0 start refuses it),
  // nothing else of the demo.
  const secrets = {
    LINLI_DEMO: '1',
    AUTH_TEST_OTPS: '',
    ALLOW_TEST_OTPS: '0',
    LINLI_DEV_OUTBOX: '0',
    AUTH_SECRET: randomBytes(32).toString('hex'),
    BAG_CODE_SECRET: randomBytes(32).toString('hex'),
    STRIPE_SECRET_KEY: `sk_test_bench_${randomBytes(6).toString('hex')}`,
    STRIPE_WEBHOOK_SECRET: `whsec_bench_${randomBytes(16).toString('hex')}`,
  };
  const port = Number(process.env.BENCH_PORT ?? 3400) + 20;
  const profDir = path.join(LOG_DIR, 'cpu-profile');
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  // node refuses --cpu-prof in NODE_OPTIONS (and start.ts spawns `next start` itself): a preloaded
  // hook runs the same V8 profiler and writes the profile on SIGUSR2.
  const server = new BenchServer({
    name: 'profile',
    port,
    env: { ...bdb.serverEnv, ...secrets, BENCH_CPU_PROFILE_DIR: profDir },
    nodeOptions: `--import ${path.join(import.meta.dirname, 'lib/cpu-profiler-hook.mjs')}`,
  });
  const mock = await startStripeMock({
    port: Number(process.env.BENCH_MOCK_PORT ?? 12400) + 20,
    webhookUrl: `${server.url}/api/stripe/webhook`,
    webhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
  });
  server.opts.env.STRIPE_API_BASE = mock.url;
  const saved = { key: process.env.STRIPE_SECRET_KEY, base: process.env.STRIPE_API_BASE };
  try {
    const database = await bdb.open();
    await migrateDatabase(database);
    const w = await loadWorld(database, households);
    const flash = await openBenchRelay(database, w, {
      title: '剖析 · 抢购',
      cap: CONFIG.cap,
      perHouseholdLimit: CONFIG.perHouseholdLimit,
    });
    const open = await openBenchRelay(database, w, {
      title: '剖析 · 逐笔',
      cap: null,
      perHouseholdLimit: null,
    });
    const inProcess = await openBenchRelay(database, w, {
      title: '剖析 · 进程内',
      cap: 1_000_000,
      perHouseholdLimit: 1000,
    });
    const baseRelay = await openBenchRelay(database, w, {
      title: '剖析 · 基线',
      cap: 1_000_000,
      perHouseholdLimit: 1000,
    });
    const ladder = {
      core: await openBenchRelay(database, w, {
        title: '阶梯 · 核心SQL',
        cap: CONFIG.cap,
        perHouseholdLimit: CONFIG.perHouseholdLimit,
      }),
      fullTx: await openBenchRelay(database, w, {
        title: '阶梯 · 完整事务',
        cap: CONFIG.cap,
        perHouseholdLimit: CONFIG.perHouseholdLimit,
      }),
      service: await openBenchRelay(database, w, {
        title: '阶梯 · 服务',
        cap: CONFIG.cap,
        perHouseholdLimit: CONFIG.perHouseholdLimit,
      }),
    };
    // ── db: PostgreSQL backend CPU per accepted / refused join and per baseline transaction ─────
    const cost = await measureDbCost(bdb.url!, database, w);
    for (const [measure, ms] of [
      ['backend CPU per accepted join (linli_join_relay, c=1)', cost.acceptedDbMs],
      ['backend CPU per refused join (sold out, c=1)', cost.refusedDbMs],
      ['backend CPU per bare SQL transaction (baseline, c=1)', cost.baselineDbMs],
      [
        'bench-process CPU per accepted join (joinRelay in-process: zod-free service, drizzle, driver)',
        cost.acceptedNodeMs,
      ],
      ['bench-process CPU per refused join (joinRelay in-process)', cost.refusedNodeMs],
    ] as const) {
      out.push({ bench: BENCH, measure, ms, view: `db cost over ${cost.joins} joins one at a time (/proc)` });
    }
    await database.close();

    // ── spans: one join at a time, in-process, every statement timed ───────────────────────────
    process.env.STRIPE_SECRET_KEY = secrets.STRIPE_SECRET_KEY;
    process.env.STRIPE_API_BASE = mock.url;
    resetStripeClient();
    const { database: traced, marks } = await openTracedPostgres(bdb.url!);
    const timelines: { label: string; ms: number }[][] = [];
    const totals: number[] = [];
    for (let k = 0; k <= SPAN_JOINS; k++) {
      const h = w.households[k]!;
      marks.length = 0;
      const t0 = performance.now();
      await joinRelay({
        ctx: {
          database: traced,
          db: traced.db,
          user: { id: h.userId, phone: h.phone, name: 'bench' },
          now: () => new Date(),
        },
        input: {
          communityId: w.communityId,
          relayId: inProcess.relayId,
          householdId: h.householdId,
          lines: [
            { relayItemId: inProcess.cappedItemId, qty: 1 },
            { relayItemId: inProcess.openItemId, qty: 1 },
          ],
          idempotencyKey: newJoinKey(),
        },
      });
      const t1 = performance.now();
      if (k === 0) continue; // warm-up: plans, the Stripe client, JIT
      const steps = [{ at: t0, label: '(start: validation)' }, ...marks];
      timelines.push(steps.map((m, i) => ({ label: m.label, ms: (steps[i + 1]?.at ?? t1) - m.at })));
      totals.push(t1 - t0);
    }
    await traced.close();
    const shape = timelines[0]!.map((s) => s.label).join('|');
    const sameShape = timelines.every((t) => t.map((s) => s.label).join('|') === shape);
    timelines[0]!.forEach((s, i) => {
      out.push({
        bench: BENCH,
        measure: `span ${String(i + 1).padStart(2, '0')}: ${s.label} → next`,
        ms: round(median(timelines.map((t) => t[i]?.ms ?? NaN)), 2),
        view: 'spans (joinRelay in-process, c=1)',
        consistent: sameShape,
      });
    });
    out.push({
      bench: BENCH,
      measure: 'joinRelay total (in-process, c=1)',
      ms: round(median(totals), 2),
      view: 'spans',
      consistent: sameShape,
    });
    const base = await openBaseline('postgres', { url: bdb.url }, 1);
    try {
      const b = await runBaselineBurst(
        base,
        w.communityId,
        baseRelay,
        w.households.slice(0, SPAN_JOINS + 1),
        1,
        1000,
      );
      out.push({
        bench: BENCH,
        measure: 'bare SQL transaction (baseline, c=1)',
        ms: round(median(b.outcomes.slice(1).map((o) => o.ms)), 2),
        view: 'spans',
        consistent: true,
      });
    } finally {
      await base.close();
    }
    const stripe = createStripeClient(mock.url, secrets.STRIPE_SECRET_KEY);
    const piMs = await timeMany(SPAN_JOINS, () =>
      stripe.paymentIntents.create({ amount: 100, currency: 'cny' }),
    );
    out.push({
      bench: BENCH,
      measure: 'PaymentIntent create at the mock (c=1)',
      ms: round(piMs, 2),
      view: 'spans',
      consistent: true,
    });

    // ── the ladder: the same flash, one layer added per rung, same concurrency and pool ─────────
    const rungs: { name: string; summary: ReturnType<typeof summarizeBurst> }[] = [];
    for (const variant of ['core', 'full-tx'] as const) {
      const conn = await openBaseline('postgres', { url: bdb.url }, CONFIG.pool);
      try {
        const started = performance.now();
        const r = variant === 'core' ? ladder.core : ladder.fullTx;
        const b = await runBaselineBurst(
          conn,
          w.communityId,
          r,
          w.households,
          concurrency,
          CONFIG.perHouseholdLimit,
          {
            variant,
            merchantId: w.merchantId,
          },
        );
        const outcomes = b.outcomes.map((o) => ({
          kind: o.ok ? 'accepted' : 'rejected',
          code: o.code,
          ms: o.ms,
          at: o.at,
        }));
        rungs.push({
          name:
            variant === 'core'
              ? '1 core SQL (the baseline)'
              : '2 + admission check, audit row, members, notification (bare SQL)',
          summary: summarizeBurst(outcomes, b.wallMs, started),
        });
      } finally {
        await conn.close();
      }
    }
    {
      const svc = await openDatabase({ url: bdb.url!, max: CONFIG.pool });
      try {
        const started = performance.now();
        const outcomes = await pool(w.households.length, concurrency, async (i) => {
          const h = w.households[i]!;
          const t = performance.now();
          try {
            await joinRelay({
              ctx: {
                database: svc,
                db: svc.db,
                user: { id: h.userId, phone: h.phone, name: 'bench' },
                now: () => new Date(),
              },
              input: {
                communityId: w.communityId,
                relayId: ladder.service.relayId,
                householdId: h.householdId,
                lines: [
                  { relayItemId: ladder.service.cappedItemId, qty: 1 },
                  { relayItemId: ladder.service.openItemId, qty: 1 },
                ],
                idempotencyKey: newJoinKey(),
              },
            });
            return { kind: 'accepted', code: null, ms: performance.now() - t, at: performance.now() };
          } catch (e) {
            const code = isServiceError(e) ? e.code : 'ERROR';
            return {
              kind: isServiceError(e) ? 'rejected' : 'error',
              code,
              ms: performance.now() - t,
              at: performance.now(),
            };
          }
        });
        rungs.push({
          name: '3 + the service: reads before the transaction, PaymentIntent after (joinRelay in-process)',
          summary: summarizeBurst(outcomes, performance.now() - started, started),
        });
      } finally {
        await svc.close();
      }
    }

    // ── micro: per-request CPU outside the database ─────────────────────────────────────────────
    const token = await encode({
      token: { uid: w.households[0]!.userId, name: 'x', phone: w.households[0]!.phone },
      secret: secrets.AUTH_SECRET,
    });
    const decodeUs = (await timeMany(200, () => decode({ token, secret: secrets.AUTH_SECRET }))) * 1000;
    const body = JSON.stringify(
      superjson.serialize({
        communityId: w.communityId,
        relayId: flash.relayId,
        householdId: w.households[0]!.householdId,
        lines: [
          { relayItemId: flash.cappedItemId, qty: 1 },
          { relayItemId: flash.openItemId, qty: 1 },
        ],
        idempotencyKey: newJoinKey(),
      }),
    );
    const parseUs =
      (await timeMany(2000, async () =>
        JoinRelayInput.parse(
          superjson.deserialize(JSON.parse(body) as Parameters<typeof superjson.deserialize>[0]),
        ),
      )) * 1000;
    out.push({
      bench: BENCH,
      measure: 'session cookie decode (next-auth JWE, jose)',
      ms: round(decodeUs / 1000, 3),
      view: 'micro',
      us: round(decodeUs),
    });
    out.push({
      bench: BENCH,
      measure: 'join input parse (JSON + superjson + zod)',
      ms: round(parseUs / 1000, 3),
      view: 'micro',
      us: round(parseUs),
    });

    // ── layers over HTTP, and the CPU profile of a flash ───────────────────────────────────────
    await server.start();
    const residents = await signInAll(server, w.households, 16);
    const phone = residents[0]!.phoneClient;
    const healthMs = await timeMany(SPAN_JOINS, async () =>
      (await fetch(`${server.url}/api/health`)).arrayBuffer(),
    );
    const sessionMs = await timeMany(SPAN_JOINS, () => phone.query('auth.session', undefined));
    const joinTimes: number[] = [];
    for (let k = 0; k <= SPAN_JOINS; k++) {
      const r = residents[k]!;
      const o = await joinOverHttp(r.phoneClient, w, open, r.householdId);
      if (k > 0) joinTimes.push(o.ms);
    }
    out.push({
      bench: BENCH,
      measure: 'GET /api/health (Next route + one query)',
      ms: round(healthMs, 2),
      view: 'layers over HTTP, c=1',
    });
    out.push({
      bench: BENCH,
      measure: 'auth.session (Next + cookie decode + tRPC + user lookup)',
      ms: round(sessionMs, 2),
      view: 'layers over HTTP, c=1',
    });
    out.push({
      bench: BENCH,
      measure: 'relay.join over HTTP',
      ms: round(median(joinTimes), 2),
      view: 'layers over HTTP, c=1',
    });

    const from = process.hrtime.bigint();
    const started = performance.now();
    const outcomes = await pool(residents.length, concurrency, (i) =>
      joinOverHttp(residents[i]!.phoneClient, w, flash, residents[i]!.householdId),
    );
    const to = process.hrtime.bigint();
    const s = summarizeBurst(outcomes, performance.now() - started, started);
    out.push({
      bench: BENCH,
      measure: `flash c=${concurrency} under --cpu-prof`,
      ms: s.wall_ms,
      view: 'cpu',
      accepted: s.accepted,
      orders_per_s: s.orders_per_s,
      p50_ms: s.p50_ms,
    });
    rungs.push({
      name: '4 + HTTP, Next, session cookie, tRPC (relay.join, server under the profiler)',
      summary: s,
    });
    const core = rungs[0]!.summary.orders_per_s;
    for (const r of rungs) {
      out.push({
        bench: BENCH,
        measure: `ladder ${r.name}`,
        ms: r.summary.wall_ms,
        view: `ladder at c=${concurrency}`,
        accepted: r.summary.accepted,
        errors: r.summary.errors_5xx,
        orders_per_s: r.summary.orders_per_s,
        p50_ms: r.summary.p50_ms,
        ratio_to_core: round(r.summary.orders_per_s / core, 2),
      });
    }
    server.signalAll('SIGUSR2');
    const list = () =>
      readdirSync(profDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(profDir, f))
        .sort((a, b) => statSync(b).size - statSync(a).size);
    // Each process of the server writes its own (start.ts and next start): wait for both, bounded.
    for (let i = 0; i < 100 && list().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    await server.stop();
    const profiles = list();
    if (!profiles.length) throw new Error(`no CPU profile written to ${profDir}`);
    const cpu = analyzeCpuProfile(profiles[0]!, { fromUs: Number(from / 1000n), toUs: Number(to / 1000n) });
    for (const c of cpu.byCategory) {
      out.push({
        bench: BENCH,
        measure: `cpu: ${c.category}`,
        ms: c.ms,
        view: 'cpu (server self time during the flash)',
        share_pct: c.share,
      });
    }
    for (const f of cpu.topFunctions.slice(0, 15)) {
      out.push({
        bench: BENCH,
        measure: `fn: ${f.fn} (${f.source})`,
        ms: f.ms,
        view: 'cpu top functions',
        share_pct: f.share,
      });
    }
    out.push({
      bench: BENCH,
      measure: 'cpu: server busy during the flash',
      ms: cpu.totalMs,
      view: 'cpu',
      window_ms: cpu.windowMs,
      busy_pct: round((cpu.totalMs / cpu.windowMs) * 100),
      profile: path.relative(process.cwd(), profiles[0]!),
    });
  } finally {
    await server.stop().catch(() => {});
    await mock.close().catch(() => {});
    process.env.STRIPE_SECRET_KEY = saved.key;
    process.env.STRIPE_API_BASE = saved.base;
    if (saved.key === undefined) delete process.env.STRIPE_SECRET_KEY;
    if (saved.base === undefined) delete process.env.STRIPE_API_BASE;
    resetStripeClient();
    await bdb.drop().catch(() => {});
  }
  return out;
}
