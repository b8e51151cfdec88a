/**
 * What an operator reads after a busy spell: one JSON log line per request and per job run (request
 * id, procedure, role, compound, duration, outcome), every 500 logged with its request id — also
 * the ones thrown before any procedure ran — and a metrics scrape with the counters of that spell.
 * The whole log (pino lines and anything printed with console.*) is then searched for the phone
 * numbers and the one-time code of the run: in production mode none may appear.
 *
 * Everything goes through the real HTTP handlers in-process: the tRPC endpoint
 * (server/api/http-handler.ts), the metrics, readiness and webhook routes.
 */
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { setDatabase, type Database } from '@/db/client';
import { relayItems, users } from '@/db/schema';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { GET as readyRoute } from '@/app/api/ready/route';
import { POST as webhookRoute } from '@/app/api/stripe/webhook/route';
import { makeTrpcHandler } from '@/server/api/http-handler';
import { appRouter } from '@/server/api/root';
import { createContext, publicProcedure, router } from '@/server/api/trpc';
import { readDevOutbox } from '@/server/auth/dev-outbox';
import { otpCleanupJob } from '@/server/jobs/otp-cleanup';
import { runJobOnce } from '@/server/jobs/loop';
import { runShutdownHooks } from '@/server/ops/lifecycle';
import { setLogDestination } from '@/server/ops/log';
import type { SessionUser } from '@/server/services/shared/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

type Line = Record<string, unknown> & { msg?: string };
const lines: Line[] = [];
const printed: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
    cb();
  },
});

let database: Database;
let w: RelayWorld;
const usersById = new Map<string, SessionUser>();
const METRICS_TOKEN = 'test-metrics-token-0123456789';

const handler = makeTrpcHandler(appRouter, async (req, requestId) =>
  createContext({
    database,
    user: usersById.get(req.headers.get('x-test-user') ?? '') ?? null,
    headers: req.headers,
    requestId,
  }),
);

beforeAll(async () => {
  vi.stubEnv('NODE_ENV', 'production');
  vi.stubEnv('LINLI_DEV_OUTBOX', '1');
  vi.stubEnv('METRICS_TOKEN', METRICS_TOKEN);
  vi.stubEnv('AUTH_SECRET', 'ops-observability-test-secret-0123456789abcdef');
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
    });
  }
  setLogDestination(sink);
  database = await createTestDatabase();
  setDatabase(database);
  w = await makeRelayWorld(database, { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 4 });
  for (const u of [...w.residents.values(), w.roles.admin]) usersById.set(u.id, u);
}, 120_000);

afterAll(async () => {
  setLogDestination(undefined);
  setDatabase(undefined);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await database?.close();
});

async function post(path: string, input: unknown, user?: SessionUser, requestId?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user) headers['x-test-user'] = user.id;
  if (requestId) headers['x-request-id'] = requestId;
  const res = await handler(
    new Request(`http://linli.test/api/trpc/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(superjson.serialize(input)),
    }),
  );
  const body = (await res.json()) as { error?: { json: { data: Record<string, unknown> } } };
  return { status: res.status, requestId: res.headers.get('x-request-id'), error: body.error?.json.data };
}

async function scrape(token?: string) {
  const res = await metricsRoute(
    new Request('http://linli.test/api/metrics', {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );
  return { status: res.status, text: await res.text() };
}

/** The value of one sample of the scrape (`name{labels}`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{(.*)\})? ([-+0-9.eE]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]),
    );
    if (
      Object.entries(labels).every(([k, v]) => have[k] === v) &&
      Object.keys(have).length === Object.keys(labels).length
    )
      return Number(m[4]);
  }
  return undefined;
}

describe('a busy spell, as the operator sees it afterwards', () => {
  const requestIds = new Map<string, string>();
  let code: string;

  it('answers every call with a request id and logs one line per call', async () => {
    const resident = w.residents.get(w.community.households[0]!.id)!;
    const asked = await post('auth.requestOtp', { phone: resident.phone }, undefined, 'quote-me-0001');
    expect(asked.status).toBe(200);
    expect(asked.requestId).toBe('quote-me-0001'); // a sane id from a proxy is kept
    code = readDevOutbox({ phone: resident.phone! })[0]!.code;
    expect(code).toMatch(/^\d{6}$/);

    const relayId = await openTestRelay(w, { items: [{ product: 'rice', stockCap: 2 }] });
    const [rice] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const outcomes: number[] = [];
    for (const h of w.community.households.slice(0, 4)) {
      const who = w.residents.get(h.id)!;
      const r = await post(
        'relay.join',
        {
          communityId: w.community.id,
          relayId,
          householdId: h.id,
          lines: [{ relayItemId: rice!.id, qty: 1 }],
          idempotencyKey: newKey(),
        },
        who,
      );
      outcomes.push(r.status);
      requestIds.set(`join-${outcomes.length}`, r.requestId!);
    }
    // A household that is not the caller's.
    const other = await post(
      'relay.join',
      {
        communityId: w.community.id,
        relayId,
        householdId: w.community.households[1]!.id,
        lines: [{ relayItemId: rice!.id, qty: 1 }],
        idempotencyKey: newKey(),
      },
      w.residents.get(w.community.households[0]!.id),
    );
    expect(outcomes).toEqual([200, 200, 409, 409]);
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(other.status).toBeLessThan(500);

    const joinLines = lines.filter((l) => l.msg === 'request' && l.procedure === 'relay.join');
    expect(joinLines).toHaveLength(5);
    for (const l of joinLines) {
      expect(l).toMatchObject({ type: 'mutation', role: 'resident', compound: w.community.id });
      expect(typeof l.ms).toBe('number');
      expect(typeof l.requestId).toBe('string');
    }
    expect(joinLines.map((l) => l.outcome).slice(0, 4)).toEqual([
      'OK',
      'OK',
      'RELAY_SOLD_OUT',
      'RELAY_SOLD_OUT',
    ]);
    expect(joinLines[0]!.requestId).toBe(requestIds.get('join-1'));
    expect(lines.find((l) => l.procedure === 'auth.requestOtp')).toMatchObject({
      requestId: 'quote-me-0001',
      role: 'anonymous',
      outcome: 'OK',
    });
  });

  it('logs every 500 with its request id, also when it happens before any procedure runs', async () => {
    // The context cannot be made (the database is gone, say): no procedure ever sees this request.
    const broken = makeTrpcHandler(appRouter, async () => {
      throw new Error('connect ECONNREFUSED while signing in +8613912345678');
    });
    const res = await broken(new Request('http://linli.test/api/trpc/me.get'));
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{10}$/);
    const logged = lines.find((l) => l.requestId === id && l.level === 50);
    expect(logged).toMatchObject({ status: 500 });
    expect(JSON.stringify(logged)).toContain('ECONNREFUSED');
    expect(JSON.stringify(logged)).not.toContain('13912345678');

    // Thrown inside a procedure: the answer carries the id to quote, the log the error.
    const boom = makeTrpcHandler(
      router({
        boom: publicProcedure.input(z.object({})).query(() => {
          throw new Error('relation "orders" is locked');
        }),
      }),
      async (req, requestId) => createContext({ database, user: null, headers: req.headers, requestId }),
    );
    const r2 = await boom(
      new Request(`http://linli.test/api/trpc/boom?input=${encodeURIComponent('{"json":{}}')}`),
    );
    expect(r2.status).toBe(500);
    const id2 = r2.headers.get('x-request-id')!;
    const body = (await r2.json()) as { error: { json: { data: { requestId: string } } } };
    expect(body.error.json.data.requestId).toBe(id2);
    const errorLines = lines.filter((l) => l.requestId === id2 && l.level === 50);
    expect(errorLines).toHaveLength(1); // once, not once per layer
    expect(JSON.stringify(errorLines[0])).toContain('is locked');
    expect(lines.find((l) => l.requestId === id2 && l.msg === 'request')).toMatchObject({
      procedure: 'boom',
      outcome: 'INTERNAL_SERVER_ERROR',
    });
  });

  it('counts live streams while they are open and ends them with a retry hint when the instance drains', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const resident = w.residents.get(w.community.households[0]!.id)!;
    const input = encodeURIComponent(
      JSON.stringify(superjson.serialize({ communityId: w.community.id, relayId })),
    );
    const res = await handler(
      new Request(`http://linli.test/api/trpc/relay.onChange?input=${input}`, {
        headers: { accept: 'text/event-stream', 'x-test-user': resident.id },
      }),
    );
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    expect(sample((await scrape(METRICS_TOKEN)).text, 'linli_sse_subscribers')).toBe(1);
    await runShutdownHooks({ below: 50 }); // what SIGTERM does first
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(/\nretry: \d+\n/);
    expect(sample((await scrape(METRICS_TOKEN)).text, 'linli_sse_subscribers')).toBe(0);
  });

  it('logs a job run and counts webhook deliveries by type and result', async () => {
    await runJobOnce(otpCleanupJob, database, new Date());
    expect(lines.find((l) => l.msg === 'job run')).toMatchObject({ job: 'otp-cleanup', outcome: 'OK' });
    const res = await webhookRoute(
      new Request('http://linli.test/api/stripe/webhook', {
        method: 'POST',
        headers: { 'stripe-signature': 't=1,v1=forged' },
        body: JSON.stringify({ id: 'evt_x', type: 'payment_intent.succeeded', data: { object: {} } }),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('serves the counters of the spell to a scraper with the token, and to nobody else', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('wrong-token')).status).toBe(401);
    const { status, text } = await scrape(METRICS_TOKEN);
    expect(status).toBe(200);
    const s = (name: string, labels: Record<string, string> = {}) => sample(text, name, labels);
    expect(s('linli_requests_total', { procedure: 'relay.join', outcome: 'OK' })).toBe(2);
    expect(s('linli_requests_total', { procedure: 'relay.join', outcome: 'RELAY_SOLD_OUT' })).toBe(2);
    expect(s('linli_request_duration_seconds_count', { procedure: 'relay.join', outcome: 'OK' })).toBe(2);
    expect(s('linli_joins_total', { outcome: 'accepted', reason: '' })).toBe(2);
    expect(s('linli_joins_total', { outcome: 'refused', reason: 'RELAY_SOLD_OUT' })).toBe(2);
    const otherRefusals = text.split('\n').filter((l) => l.startsWith('linli_joins_total{outcome="refused"'));
    expect(otherRefusals).toHaveLength(2);
    expect(s('linli_http_errors_total', { route: 'trpc' })).toBe(2);
    expect(s('linli_job_runs_total', { job: 'otp-cleanup', outcome: 'ok' })).toBe(1);
    expect(s('linli_job_lag_seconds', { job: 'otp-cleanup' })).toBeGreaterThanOrEqual(0);
    expect(s('linli_webhook_events_total', { type: 'payment_intent.succeeded', result: 'refused' })).toBe(1);
    expect(s('linli_refunds_pending')).toBe(0);
    expect(s('linli_requests_in_flight')).toBe(0);
    expect(s('linli_db_pool_max')).toBeGreaterThanOrEqual(1);
    expect(s('linli_db_pool_waiting')).toBe(0);
    if (database.driver === 'postgres') {
      // Pool use across instances, from pg_stat_activity: at least the scrape's own query is active.
      expect(s('linli_db_connections', { state: 'active' })).toBeGreaterThanOrEqual(1);
    }
    expect(s('linli_sse_subscribers')).toBe(0);
    expect(s('linli_shutting_down')).toBe(0);
    expect(s('linli_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(s('linli_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^linli_process_cpu_user_seconds_total \d/m);
  });

  it('says it is ready while serving, with the migrations this build ships', async () => {
    const res = await readyRoute(new Request('http://linli.test/api/ready'));
    const body = (await res.json()) as { ready: boolean; migrations: { applied: number; shipped: number } };
    expect(res.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.migrations.applied).toBe(body.migrations.shipped);
  });

  it('left no phone number and no one-time code anywhere in the log of the spell', async () => {
    const phones = (await database.db.select({ phone: users.phone }).from(users))
      .map((u) => u.phone)
      .filter((p): p is string => !!p);
    expect(phones.length).toBeGreaterThan(4);
    const all = [...lines.map((l) => JSON.stringify(l)), ...printed].join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const phone of phones) {
      expect(all).not.toContain(phone);
      expect(all).not.toContain(phone.slice(3)); // without +86
    }
    expect(all).not.toContain(code);
    for (const l of lines.filter((x) => x.msg === 'request')) expect(l).not.toHaveProperty('input');
  });
});
