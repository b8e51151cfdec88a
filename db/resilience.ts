/**
 * A database that drops its connections (a failover, `pg_terminate_backend`, a restarted proxy)
 * must cost a retry, not a 500, a 31-second hang or an uncaught exception.
 *
 * postgres.js already notices a closed socket at once and reconnects on the next query; what it
 * does not do is retry the query that was on the dead connection. This wraps the client drizzle
 * talks to:
 * - a statement outside a transaction is retried when it only reads, or when it never reached the
 *   server (the connect itself failed) — a write whose connection died mid-flight may have committed;
 * - a whole transaction is retried when the connection broke before its COMMIT was sent (nothing of
 *   it can have committed); one that broke during COMMIT is not, its outcome is unknown;
 * - retries back off and stop within a fixed budget, then the caller gets `DATABASE_UNAVAILABLE`
 *   (503, retry later) — never a request that hangs for the driver's 30 s default.
 */
import { ServiceError } from '@/server/services/shared/errors';

/** How long a request may spend retrying before it answers 503 (ms). */
const RETRY_BUDGET_MS = Number(process.env.LINLI_DB_RETRY_BUDGET_MS ?? 3_000);
const MAX_ATTEMPTS = 4;

/** postgres.js error codes of a connection (not a statement) that failed. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Of those, the ones raised before the statement was sent. */
const NEVER_SENT_CODES = new Set(['CONNECT_TIMEOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);

/**
 * SQLSTATEs that mean "this session is gone": admin_shutdown (pg_terminate_backend),
 * crash_shutdown, cannot_connect_now, and class 08 (connection exception).
 */
function isConnectionSqlState(code: string): boolean {
  return code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('08');
}

export class DatabaseUnavailableError extends ServiceError {
  constructor(cause: unknown) {
    super(
      'SERVICE_UNAVAILABLE',
      'DATABASE_UNAVAILABLE',
      '服务暂时不可用，请稍后再试 / The service is briefly unavailable; please try again in a moment.',
      undefined,
      { retryAfterSeconds: 2 },
    );
    this.name = 'DatabaseUnavailableError';
    this.cause = cause;
  }
}

/** `e` and its causes (drizzle wraps the driver's error in a DrizzleQueryError). */
function* causes(e: unknown): Generator<unknown> {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    yield cur;
    cur = (cur as { cause?: unknown }).cause;
  }
}

function codesOf(e: unknown): string[] {
  return [...causes(e)].flatMap((c) => {
    const code = (c as { code?: unknown }).code;
    return typeof code === 'string' ? [code] : [];
  });
}

/** The DATABASE_UNAVAILABLE error somewhere in `e`'s causes, if any. */
export function findDatabaseUnavailable(e: unknown): DatabaseUnavailableError | undefined {
  for (const c of causes(e)) if (c instanceof DatabaseUnavailableError) return c;
  return undefined;
}

/** True when `e` says the connection, not the statement, failed. */
export function isConnectionError(e: unknown): boolean {
  if (findDatabaseUnavailable(e)) return true;
  const connectionCode = (code: string) =>
    CONNECTION_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isConnectionSqlState(code));
  if (codesOf(e).some(connectionCode)) return true;
  // postgres.js writing to a socket that closed under it.
  return [...causes(e)].some((c) => c instanceof TypeError && /reading 'write'/.test(c.message));
}

function neverSent(e: unknown): boolean {
  return codesOf(e).some((code) => NEVER_SENT_CODES.has(code));
}

const READ_ONLY = /^\s*(select|show|values)\b/i;
const WRITES = /\b(insert|update|delete|merge|copy|call|lock|notify|nextval|setval|pg_advisory\w*)\b/i;

/** A statement that changes nothing, so running it twice is harmless. */
export function isReadOnlyStatement(query: string): boolean {
  return READ_ONLY.test(query) && !WRITES.test(query);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until it succeeds, fails for a reason other than the connection, or may not be
 * retried (`retryable(e)` false) — then throws `DATABASE_UNAVAILABLE` for a connection failure.
 */
export async function withConnectionRetry<T>(
  attempt: () => Promise<T>,
  retryable: (e: unknown) => boolean,
): Promise<T> {
  const start = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      const given = findDatabaseUnavailable(e);
      if (given) throw given;
      const backoff = Math.min(1_000, 50 * 2 ** (n - 1)) * (0.5 + Math.random() / 2);
      const inBudget = Date.now() - start + backoff < RETRY_BUDGET_MS;
      if (n >= MAX_ATTEMPTS || !inBudget || !retryable(e)) throw new DatabaseUnavailableError(e);
      await sleep(backoff);
    }
  }
}

type PendingQuery = PromiseLike<unknown> & { values(): PromiseLike<unknown> };
type SqlClient = {
  unsafe(query: string, params?: unknown[], options?: unknown): PendingQuery;
  begin(...args: unknown[]): Promise<unknown>;
};

const COMMIT_SENT = Symbol('linli.commitSent');

/**
 * The postgres.js client as drizzle should see it: `unsafe` (every statement outside a transaction)
 * and `begin` (every transaction) retry as described above; everything else passes through.
 * Statements inside a transaction use the transaction's own connection and are not wrapped: the
 * whole transaction is the unit that is retried.
 */
export function resilientClient<C extends object>(client: C): C {
  const sql = client as unknown as SqlClient;
  const unsafe = (query: string, params?: unknown[], options?: unknown) => {
    const retry = (e: unknown) => isReadOnlyStatement(query) || neverSent(e);
    const run = (values: boolean) =>
      withConnectionRetry(() => {
        const q = sql.unsafe(query, params, options);
        return Promise.resolve(values ? q.values() : q);
      }, retry);
    // Lazy like postgres.js' own query: nothing runs until it is awaited.
    return {
      values: () => run(true),
      then: (ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => run(false).then(ok, fail),
    };
  };
  const begin = (...args: unknown[]) => {
    const body = args[args.length - 1] as (tx: unknown) => Promise<unknown>;
    const head = args.slice(0, -1);
    return withConnectionRetry(
      async () => {
        let bodyDone = false;
        try {
          return await sql.begin(...head, async (tx: unknown) => {
            const result = await body(tx);
            bodyDone = true;
            return result;
          });
        } catch (e) {
          if (bodyDone && e && typeof e === 'object') (e as Record<symbol, boolean>)[COMMIT_SENT] = true;
          throw e;
        }
      },
      (e) => !(e && typeof e === 'object' && (e as Record<symbol, boolean>)[COMMIT_SENT]),
    );
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return unsafe;
      if (prop === 'begin') return begin;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
