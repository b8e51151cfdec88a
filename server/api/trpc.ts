/**
 * tRPC init: the context, the procedure builders and the one place service errors become tRPC
 * errors. Routers only validate with zod, call one service verb and let errors flow through here.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Database } from '@/db/client';
import { DatabaseUnavailableError, findDatabaseUnavailable, isConnectionError } from '@/db/resilience';
import { myMemberships, type Role } from '@/server/services/shared/access';
import type { ServiceContext, SessionUser } from '@/server/services/shared/context';
import { isServiceError, type ServiceError } from '@/server/services/shared/errors';
import { assertSafeText, CommunityId, TEXT_INVALID } from '@/server/services/shared/zod';
import { newRequestId } from '@/server/ops/http';
import { log } from '@/server/ops/log';
import { observeCall, type Trace } from '@/server/ops/observe';
import { clientIp, procedureLimits, type RateLimits } from '@/server/ops/rate-limits';

export type CreateContextOptions = {
  database: Database;
  user: SessionUser | null;
  headers?: Headers;
  now?: () => Date;
  /** The id in the request's log lines and its `x-request-id` header (new when not given). */
  requestId?: string;
  /**
   * The per-client limits, set by the HTTP edge (server/api/http-handler.ts) only: in-process
   * callers (tests, jobs) are not limited.
   */
  limits?: RateLimits | null;
};

export function createContext(
  opts: CreateContextOptions,
): ServiceContext & { headers: Headers; trace: Trace; limits: RateLimits | null } {
  return {
    database: opts.database,
    db: opts.database.db,
    user: opts.user,
    now: opts.now ?? (() => new Date()),
    // One read of the caller's memberships per compound per request (communityProcedure + service).
    memberships: new Map(),
    headers: opts.headers ?? new Headers(),
    trace: { requestId: opts.requestId ?? newRequestId(), roles: null },
    limits: opts.limits ?? null,
  };
}
export type Context = ReturnType<typeof createContext>;

export type AppErrorData = {
  /** Stable machine code of a service error (`RELAY_SOLD_OUT`), for the UI to translate. */
  appCode: string | null;
  field: string | null;
  details: Record<string, unknown> | null;
  /** Flattened zod error for BAD_REQUEST from input validation. */
  zodError: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
  /** On INTERNAL_SERVER_ERROR only: the request id to quote to the operator. */
  requestId: string | null;
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Live streams (SSE): a ping every 15 s keeps proxies and phones from dropping an idle stream, and
  // the server never ends one by itself (no maxDurationMs); the client reconnects after 45 s of
  // silence and resumes from its last event id.
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 45_000 },
  },
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const serviceError = isServiceError(cause) ? cause : null;
    const zodError = cause instanceof ZodError ? z.flattenError(cause) : null;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    const data: typeof shape.data & AppErrorData = {
      ...shape.data,
      // Never ship a stack trace, nor an unknown error's message.
      stack: undefined,
      appCode:
        serviceError?.code ?? (zodError ? zodAppCode(cause as ZodError) : internal ? 'INTERNAL' : null),
      field: serviceError?.field ?? (zodError ? (Object.keys(zodError.fieldErrors)[0] ?? null) : null),
      details: serviceError?.details ?? null,
      zodError: zodError,
      // A resident can quote it; the server log has the same id on the error's line.
      requestId: internal ? (ctx?.trace.requestId ?? null) : null,
    };
    return {
      ...shape,
      message: internal
        ? '服务器出错了，请稍后再试 / Something went wrong on our side, please try again.'
        : shape.message,
      data,
    };
  },
});

/** `TEXT_INVALID` when a shared safe-text check refused the input, else the generic `INVALID_INPUT`. */
function zodAppCode(e: ZodError): string {
  const text = e.issues.some(
    (i) => i.code === 'custom' && (i as { params?: { appCode?: string } }).params?.appCode === TEXT_INVALID,
  );
  return text ? TEXT_INVALID : 'INVALID_INPUT';
}

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;
export const middleware = t.middleware;

function toTRPCError(e: ServiceError): TRPCError {
  return new TRPCError({ code: e.kind, message: e.message, cause: e });
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return !!v && typeof v === 'object' && Symbol.asyncIterator in v;
}

/**
 * A subscription's generator runs after the middleware chain has returned, so a service error it
 * throws (an unknown relay) would reach the stream as INTERNAL_SERVER_ERROR. Its errors are mapped
 * here the same way as a query's. `yield*` forwards the client's `return()` (unsubscribe) inward.
 */
async function* mapStreamErrors(
  source: AsyncIterable<unknown>,
  path: string,
  requestId: string,
): AsyncGenerator<unknown> {
  try {
    yield* source;
  } catch (e) {
    if (isServiceError(e)) throw toTRPCError(e);
    if (isConnectionError(e))
      throw toTRPCError(findDatabaseUnavailable(e) ?? new DatabaseUnavailableError(e));
    if (!(e instanceof TRPCError)) log().error({ requestId, procedure: path, err: e }, 'stream failed');
    throw e;
  }
}

/** Maps service errors to their tRPC code (unexpected ones are logged by `observe`). */
const mapServiceErrors = t.middleware(async function mapServiceErrors({ ctx, next, path, type }) {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isServiceError(cause)) throw toTRPCError(cause);
    if (isConnectionError(cause))
      throw toTRPCError(findDatabaseUnavailable(cause) ?? new DatabaseUnavailableError(cause));
  } else if (type === 'subscription' && isAsyncIterable(result.data)) {
    return { ...result, data: mapStreamErrors(result.data, path, ctx.trace.requestId) };
  }
  return result;
});

/**
 * The edge guard: every string anywhere in the raw input (values and keys, any depth) is checked
 * before any schema or verb runs, so a NUL byte or a lone surrogate is a 400 naming the field even
 * where a schema still says plain `z.string()`.
 */
const refuseUnsafeText = t.middleware(async function refuseUnsafeText({ getRawInput, next }) {
  assertSafeText(await getRawInput());
  return next();
});

/**
 * Limits per client (server/ops/rate-limits.ts): sign-in codes per IP and overall, joins and
 * uploads per session. Only requests that came over HTTP carry `ctx.limits`.
 */
const limitPerClient = t.middleware(async function limitPerClient({ ctx, path, next }) {
  if (ctx.limits) {
    const sessionKey = ctx.user ? (ctx.user.sessionId ?? ctx.user.id) : null;
    await ctx.limits.consume(procedureLimits(path, { ip: clientIp(ctx.headers), sessionKey }));
  }
  return next();
});

/** One log line and metric per call (server/ops/observe.ts). */
const observe = t.middleware(function observe({ ctx, next, path, type, getRawInput }) {
  return observeCall(
    { trace: ctx.trace, userId: ctx.user?.id ?? null, procedure: path, type, rawInput: getRawInput },
    next,
  );
});

export const publicProcedure = t.procedure
  .use(observe)
  .use(mapServiceErrors)
  .use(refuseUnsafeText)
  .use(limitPerClient);

const requireSession = t.middleware(function requireSession({ ctx, next }) {
  if (!ctx.user) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: '请先登录 / Please sign in first.' });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const protectedProcedure = publicProcedure.use(requireSession);

export const CommunityInput = z.object({ communityId: CommunityId });

/**
 * A procedure inside one community: the caller must hold one of `roles` there (any membership when
 * omitted). Adds `ctx.community = { id, roles, householdIds }`. The service still checks scope
 * (which stairwell, which merchant) on top of this.
 */
export function communityProcedure(roles?: readonly Role[]) {
  return protectedProcedure.input(CommunityInput).use(async function requireCommunityRole({
    ctx,
    input,
    next,
  }) {
    const mine = await myMemberships(ctx, input.communityId);
    if (mine.length === 0 || (roles && !mine.some((m) => roles.includes(m.role)))) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: roles
          ? `此操作需要以下角色之一: ${roles.join(', ')} / This needs one of these roles: ${roles.join(', ')}`
          : '您不是该小区的成员 / You are not a member of this community.',
      });
    }
    ctx.trace.roles = mine.map((m) => m.role);
    return next({
      ctx: {
        ...ctx,
        community: {
          id: input.communityId,
          roles: mine.map((m) => m.role),
          householdIds: mine.flatMap((m) => (m.householdId ? [m.householdId] : [])),
        },
      },
    });
  });
}

export const coordinatorProcedure = communityProcedure(['admin', 'owner']);
export const volunteerProcedure = communityProcedure(['volunteer', 'admin', 'owner']);
export const residentProcedure = communityProcedure(['resident']);
