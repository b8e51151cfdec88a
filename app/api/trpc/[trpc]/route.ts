import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getDatabase } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { getSessionUser } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

const handler = async (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: async () =>
      createContext({ database: await getDatabase(), user: await getSessionUser(), headers: req.headers }),
  });

export { handler as GET, handler as POST };
