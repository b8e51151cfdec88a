/**
 * Issue 11 item 11: limits per client, counted in the app's database so every instance agrees.
 * 25 sign-in codes for 25 different phones from one address: the first 20 are issued, the rest
 * answer 429 with `Retry-After` and RATE_LIMITED — on this instance and on a second one that has
 * its own limiter objects and (on PostgreSQL) its own connection pool.
 */
import { sql } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, queryRows, setDatabase, type Database } from '@/db/client';
import { withSessionGuards } from '@/server/auth/http';
import { makeTrpcHandler } from '@/server/api/http-handler';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import {
  CLIENT_IP_HEADER,
  createRateLimits,
  DEFAULT_LIMITS,
  limitConfig,
  type RateLimits,
} from '@/server/ops/rate-limits';
import type { SessionUser } from '@/server/services/shared/context';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';
import { nextPhone } from '@/tests/helpers/fixtures';
import { withDatabase } from '@/tests/helpers/global-setup';

let database: Database;
let second: Database;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  database = await createTestDatabase();
  setDatabase(database);
  if (testDriver() === 'postgres') {
    const name = (await queryRows<{ d: string }>(database.db, sql`select current_database() as d`))[0]!.d;
    second = await openDatabase({ url: withDatabase(process.env.DATABASE_URL!, name), max: 2 });
  } else second = database; // PGlite: one process owns the database; the limiter objects differ
}, 60_000);
afterAll(async () => {
  vi.restoreAllMocks();
  setDatabase(undefined);
  if (second !== database) await second?.close();
  await database?.close();
});

/** One app instance: its own limiter objects over its own database handle. */
function instance(db: () => Database, limits: () => RateLimits, user: SessionUser | null = null) {
  const handler = makeTrpcHandler(appRouter, async (req, requestId) =>
    createContext({ database: db(), user, headers: req.headers, requestId, limits: limits() }),
  );
  return async (path: string, input: unknown, ip: string) => {
    const res = await handler(
      new Request(`http://linli.test/api/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CLIENT_IP_HEADER]: ip },
        body: JSON.stringify(superjson.serialize(input)),
      }),
    );
    const body = (await res.json()) as {
      error?: { json: { data: Record<string, unknown>; message: string } };
    };
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      appCode: body.error?.json.data.appCode ?? null,
      message: body.error?.json.message ?? null,
    };
  };
}

describe('limits per client', () => {
  it('issues 20 codes to one address, refuses the next with 429 + Retry-After, on both instances', async () => {
    const limitsA = createRateLimits(database, {});
    const limitsB = createRateLimits(second, {});
    const a = instance(
      () => database,
      () => limitsA,
    );
    const b = instance(
      () => second,
      () => limitsB,
    );
    const ip = '203.0.113.7';
    const answers = [];
    for (let i = 0; i < 25; i++) answers.push(await a('auth.requestOtp', { phone: nextPhone() }, ip));
    const limit = DEFAULT_LIMITS['otp-per-ip'].points;
    expect(answers.slice(0, limit).map((r) => r.status)).toEqual(Array(limit).fill(200));
    for (const r of answers.slice(limit)) {
      expect(r.status).toBe(429);
      expect(r.appCode).toBe('RATE_LIMITED');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(Number(r.retryAfter)).toBeLessThanOrEqual(DEFAULT_LIMITS['otp-per-ip'].seconds);
      expect(r.message).toMatch(/操作太频繁.*Too many requests/);
    }
    // The second instance counts in the same table: the address is refused there too …
    const there = await b('auth.requestOtp', { phone: nextPhone() }, ip);
    expect(there.status).toBe(429);
    expect(Number(there.retryAfter)).toBeGreaterThan(0);
    // … while another address is served by either.
    expect((await b('auth.requestOtp', { phone: nextPhone() }, '198.51.100.20')).status).toBe(200);
    expect((await a('auth.requestOtp', { phone: nextPhone() }, '198.51.100.21')).status).toBe(200);
  });

  it('has a global ceiling on codes whatever the address', async () => {
    const limits = createRateLimits(database, {
      RATE_LIMIT_OTP_GLOBAL: '3/600',
      RATE_LIMIT_OTP_PER_IP: '100/600',
    });
    const call = instance(
      () => database,
      () => limits,
    );
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call('auth.requestOtp', { phone: nextPhone() }, `192.0.2.${i + 1}`)).status);
    // The earlier test's codes count too when they share the key prefix: at most 3 pass here.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses.at(-1)).toBe(429);
  });

  it('limits joins per session, not per address', async () => {
    const limits = createRateLimits(database, { RATE_LIMIT_JOIN_PER_SESSION: '3/60' });
    const user: SessionUser = {
      id: crypto.randomUUID(),
      phone: null,
      name: 'x',
      sessionId: crypto.randomUUID(),
    };
    const other: SessionUser = { ...user, sessionId: crypto.randomUUID() };
    const mine = instance(
      () => database,
      () => limits,
      user,
    );
    const theirs = instance(
      () => database,
      () => limits,
      other,
    );
    const join = { communityId: crypto.randomUUID(), relayId: crypto.randomUUID(), lines: [] };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await mine('relay.join', join, `10.0.0.${i}`)).status);
    expect(codes.slice(0, 3)).not.toContain(429);
    expect(codes[3]).toBe(429);
    expect((await theirs('relay.join', join, '10.0.0.1')).status).not.toBe(429);
  });

  it('limits sign-in attempts per address with the answer next-auth’s page reads', async () => {
    vi.stubEnv('RATE_LIMIT_SIGNIN_PER_IP', '3/600');
    try {
      let reached = 0;
      const guarded = withSessionGuards(async () => {
        reached++;
        return Response.json({ url: 'http://linli.test/signin?error=OTP_WRONG' }, { status: 401 });
      });
      const attempt = (ip: string) =>
        guarded(
          new Request('http://linli.test/api/auth/callback/phone-otp', {
            method: 'POST',
            headers: { [CLIENT_IP_HEADER]: ip },
          }),
          { params: Promise.resolve({ nextauth: ['callback', 'phone-otp'] }) },
        );
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt('203.0.113.50')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(reached).toBe(3);
      const refused = await attempt('203.0.113.50');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const { url } = (await refused.json()) as { url: string };
      expect(new URL(url).searchParams.get('error')).toMatch(/^RATE_LIMITED:retryAfterSeconds=\d+$/);
      expect((await attempt('203.0.113.51')).status).toBe(401);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('is configurable and can be turned off (the bench, the browser journeys)', () => {
    expect(limitConfig({ RATE_LIMITS: 'off' })).toBeNull();
    expect(limitConfig({ RATE_LIMIT_UPLOAD_PER_SESSION: '5/60' })?.['upload-per-session']).toEqual({
      points: 5,
      seconds: 60,
    });
    expect(() => limitConfig({ RATE_LIMIT_OTP_PER_IP: 'lots' })).toThrow(/RATE_LIMIT_OTP_PER_IP/);
  });
});
