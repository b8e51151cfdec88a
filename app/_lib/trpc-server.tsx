import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from '@tanstack/react-query';
import type { TRPCClientErrorLike } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import superjson from 'superjson';
import { getDatabase } from '@/db/client';
import { appRouter, type AppRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { getSessionUser } from '@/server/auth/session';
import { makeQueryClient } from './query-client';

/** One query cache per server request, shared by the page's prefetches and its HydrationBoundary. */
const requestQueryClient = cache(() => makeQueryClient(superjson.serialize));

/**
 * The server side of `useTRPC()`: the same `queryOptions` (and so the same query keys as the client
 * components), run in-process through the router with the request's session. Page components
 * prefetch with it and wrap the client page in <Prefetched>, so the HTML carries the data.
 */
export const serverTrpc = createTRPCOptionsProxy({
  router: appRouter,
  queryClient: requestQueryClient,
  ctx: async () =>
    createContext({
      database: await getDatabase(),
      user: await getSessionUser(),
      headers: new Headers(await headers()),
    }),
});

/** What `serverTrpc.x.y.queryOptions(input)` returns, for any procedure. */
type Prefetchable = { queryKey: QueryKey; queryFn?: unknown };

/**
 * Runs the page's queries on the server (in parallel; a failing one is left out and the client
 * asks again, showing its usual message) and hands the results to the client components.
 */
export async function Prefetched({
  queries,
  children,
}: {
  queries: readonly Prefetchable[];
  children: React.ReactNode;
}) {
  const client = requestQueryClient();
  await Promise.all(queries.map((q) => client.prefetchQuery(q as FetchQueryOptions)));
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}

/** A query the page needs before it knows what else to prefetch (null when it failed). */
export async function fetchOnServer<TData, TKey extends QueryKey>(
  options: FetchQueryOptions<TData, TRPCClientErrorLike<AppRouter>, TData, TKey>,
): Promise<TData | null> {
  try {
    return await requestQueryClient().fetchQuery(options);
  } catch {
    return null;
  }
}
