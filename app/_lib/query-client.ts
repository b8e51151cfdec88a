import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import { deserialize } from './wire';

/**
 * One QueryClient setup for the browser and for the server's prefetch (app/_lib/trpc-server.tsx):
 * the server's cache crosses to the page in superjson's format (dates stay dates; the server passes
 * superjson's writer, the browser reads with app/_lib/wire.ts), and only queries that succeeded go
 * across, so a refused or missing item is fetched again by the page and shows its usual message
 * instead of failing the server render.
 */
export function makeQueryClient(serializeData?: (data: unknown) => unknown): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, retry: 1 },
      mutations: { retry: false },
      dehydrate: {
        ...(serializeData ? { serializeData } : {}),
        shouldDehydrateQuery: (q) => defaultShouldDehydrateQuery(q) && q.state.status === 'success',
      },
      hydrate: { deserializeData: deserialize },
    },
  });
}
