/**
 * The tRPC HTTP endpoint (app/api/trpc/[trpc]/route.ts): the fetch adapter behind `withOps`, so
 * every answer carries its request id and every 500 is logged with it, including the ones no
 * procedure saw (context creation failing, a malformed batch).
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AnyRouter } from '@trpc/server';
import { withOps } from '@/server/ops/http';
import { logTrpcError } from '@/server/ops/observe';
import type { Context } from './trpc';

export function makeTrpcHandler(
  router: AnyRouter,
  makeContext: (req: Request, requestId: string) => Promise<Context>,
): (req: Request) => Promise<Response> {
  return withOps('trpc', async (req, requestId) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router,
      createContext: () => makeContext(req, requestId),
      onError: ({ error, path }) => logTrpcError({ requestId, procedure: path, error }),
    }),
  );
}
