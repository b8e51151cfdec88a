/**
 * The tRPC HTTP endpoint (app/api/trpc/[trpc]/route.ts): the fetch adapter behind `withOps`, so
 * every answer carries its request id and every 500 is logged with it, including the ones no
 * procedure saw (context creation failing, a malformed batch). Requests that come in here are
 * counted against the per-client limits (server/ops/rate-limits.ts); a refusal answers 429 with
 * `Retry-After`.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AnyRouter, TRPCError } from '@trpc/server';
import { withOps } from '@/server/ops/http';
import { logTrpcError } from '@/server/ops/observe';
import { RATE_LIMITED, rateLimitsFor, retryAfterSeconds } from '@/server/ops/rate-limits';
import { isServiceError } from '@/server/services/shared/errors';
import type { Context } from './trpc';

/** The longest wait any refused call of the batch asks for, or null when none was rate limited. */
export function retryAfter(errors: readonly TRPCError[]): number | null {
  let wait: number | null = null;
  for (const e of errors) {
    const cause = e.cause;
    if (isServiceError(cause) && cause.code === RATE_LIMITED)
      wait = Math.max(wait ?? 0, retryAfterSeconds(cause));
  }
  return wait;
}

export function makeTrpcHandler(
  router: AnyRouter,
  makeContext: (req: Request, requestId: string) => Promise<Context>,
): (req: Request) => Promise<Response> {
  return withOps('trpc', async (req, requestId) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router,
      createContext: async () => {
        const ctx = await makeContext(req, requestId);
        ctx.limits ??= rateLimitsFor(ctx.database);
        return ctx;
      },
      responseMeta: ({ errors }) => {
        const wait = retryAfter(errors);
        return wait === null ? {} : { headers: new Headers({ 'Retry-After': String(wait) }) };
      },
      onError: ({ error, path }) => logTrpcError({ requestId, procedure: path, error }),
    }),
  );
}
