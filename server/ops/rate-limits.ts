/**
 * Limits per client (issue 11 item 11): per-IP and global limits on sign-in codes and sign-in
 * attempts, per-session limits on joins and uploads. Counters live in the app's database
 * (`rate_limits`, rate-limiter-flexible's Drizzle store), so every app instance behind the load
 * balancer counts the same requests; when the database cannot be reached, an in-memory limiter of
 * the same size stands in (the insurance limiter) rather than letting everything through or
 * refusing everyone.
 *
 * A refusal is a ServiceError TOO_MANY_REQUESTS with the stable code `RATE_LIMITED` and
 * `details.retryAfterSeconds`; the HTTP edges answer 429 with `Retry-After` (server/api/http-handler.ts,
 * the sign-in route, the upload routes).
 *
 * Configuration (env): `RATE_LIMIT_<RULE>=<points>/<seconds>` (e.g. `RATE_LIMIT_OTP_PER_IP=20/600`),
 * `RATE_LIMITS=off` turns every limit off (the bench, the browser journeys).
 */
import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { tooManyRequests, type ServiceError } from '@/server/services/shared/errors';

export const RATE_LIMITED = 'RATE_LIMITED';

export type LimitRule =
  'otp-per-ip' | 'otp-global' | 'signin-per-ip' | 'signin-global' | 'join-per-session' | 'upload-per-session';

type Limit = { points: number; seconds: number };

/**
 * Defaults. Per IP is generous because a compound's phones share a few carrier NAT addresses
 * (hundreds of households behind one IP at the morning peak); the per-phone limits of the sign-in
 * service (one code per 60 s, ten per hour, five tries per code) still hold underneath.
 */
export const DEFAULT_LIMITS: Record<LimitRule, Limit> = {
  'otp-per-ip': { points: 20, seconds: 600 },
  'otp-global': { points: 600, seconds: 600 },
  'signin-per-ip': { points: 40, seconds: 600 },
  'signin-global': { points: 1200, seconds: 600 },
  'join-per-session': { points: 30, seconds: 60 },
  'upload-per-session': { points: 60, seconds: 600 },
};

const envName = (rule: LimitRule) => `RATE_LIMIT_${rule.replace(/-/g, '_').toUpperCase()}`;

type Env = Record<string, string | undefined>;

/** The limits in force: defaults, overridden per rule by env; null when `RATE_LIMITS=off`. */
export function limitConfig(env: Env = process.env): Record<LimitRule, Limit> | null {
  if (env.RATE_LIMITS === 'off' || env.RATE_LIMITS === '0') return null;
  const out = { ...DEFAULT_LIMITS };
  for (const rule of Object.keys(DEFAULT_LIMITS) as LimitRule[]) {
    const raw = env[envName(rule)];
    if (!raw) continue;
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
      throw new Error(`${envName(rule)}=${raw}: expected <points>/<seconds>, e.g. 20/600`);
    out[rule] = { points: Number(m[1]), seconds: Number(m[2]) };
  }
  return out;
}

/** Who is counted: one rule and the key of the client (an IP, a session id, or `all`). */
export type LimitKey = { rule: LimitRule; key: string };

export interface RateLimits {
  /** Counts one request against every key in order; throws RATE_LIMITED at the first exhausted one. */
  consume(keys: readonly LimitKey[]): Promise<void>;
}

function refusal(rule: LimitRule, msBeforeNext: number): ServiceError {
  const s = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const wait = s >= 120 ? `${Math.ceil(s / 60)} 分钟` : `${s} 秒`;
  const waitEn = s >= 120 ? `${Math.ceil(s / 60)} min` : `${s} s`;
  return tooManyRequests(
    RATE_LIMITED,
    `操作太频繁，请 ${wait}后再试 / Too many requests; please try again in ${waitEn}.`,
    { details: { retryAfterSeconds: s, limit: rule } },
  );
}

function makeLimiters(database: Database, config: Record<LimitRule, Limit>) {
  const limiters = new Map<LimitRule, RateLimiterDrizzle>();
  let first = true;
  for (const [rule, { points, seconds }] of Object.entries(config) as [LimitRule, Limit][]) {
    limiters.set(
      rule,
      new RateLimiterDrizzle({
        storeClient: database.db,
        schema: rateLimits,
        keyPrefix: rule,
        points,
        duration: seconds,
        // One sweeper of expired rows is enough: they share the table.
        clearExpiredByTimeout: first,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: rule, points, duration: seconds }),
      }),
    );
    first = false;
  }
  return limiters;
}

/** Limits counted in `database`'s `rate_limits` table. `env` is read once, here. */
export function createRateLimits(database: Database, env: Env = process.env): RateLimits {
  const config = limitConfig(env);
  if (!config) return { consume: async () => {} };
  const limiters = makeLimiters(database, config);
  return {
    async consume(keys) {
      for (const { rule, key } of keys) {
        try {
          await limiters.get(rule)!.consume(key);
        } catch (e) {
          if (e instanceof RateLimiterRes) throw refusal(rule, e.msBeforeNext);
          throw e;
        }
      }
    },
  };
}

// On globalThis: Next's route bundles and the custom server's join path (server/api/join-route.ts)
// load this module separately, and must share one set of limiters per database.
const cache: WeakMap<Database, RateLimits> = ((
  globalThis as unknown as { linliRateLimits?: WeakMap<Database, RateLimits> }
).linliRateLimits ??= new WeakMap());

/** The process's limits over its database (one set per Database object). */
export function rateLimitsFor(database: Database): RateLimits {
  let limits = cache.get(database);
  if (!limits) cache.set(database, (limits = createRateLimits(database)));
  return limits;
}

/** The request header the custom server (server/cli/serve.ts) sets to the client's address. */
export const CLIENT_IP_HEADER = 'x-linli-client-ip';

/**
 * The client's address as the custom server saw it (never a value the client sent: serve.ts
 * overwrites the header). Without the custom server (next dev), every client is `unknown`.
 */
export function clientIp(headers: Headers): string {
  return headers.get(CLIENT_IP_HEADER)?.trim() || 'unknown';
}

/** Which limits a tRPC procedure counts against, for this client. */
export function procedureLimits(path: string, client: { ip: string; sessionKey: string | null }): LimitKey[] {
  switch (path) {
    case 'auth.requestOtp':
      return [
        { rule: 'otp-per-ip', key: client.ip },
        { rule: 'otp-global', key: 'all' },
      ];
    case 'relay.join':
    case 'relay.orderForHouseholds':
      return client.sessionKey ? [{ rule: 'join-per-session', key: client.sessionKey }] : [];
    case 'distribution.uploadPhoto':
      return client.sessionKey ? [{ rule: 'upload-per-session', key: client.sessionKey }] : [];
    default:
      return [];
  }
}

export function signInLimits(ip: string): LimitKey[] {
  return [
    { rule: 'signin-per-ip', key: ip },
    { rule: 'signin-global', key: 'all' },
  ];
}

/** The 429 for a refusal outside tRPC (sign-in, upload routes): JSON body and `Retry-After`. */
export function retryAfterSeconds(e: ServiceError): number {
  const s = Number(e.details?.retryAfterSeconds);
  return Number.isFinite(s) && s > 0 ? s : 60;
}
