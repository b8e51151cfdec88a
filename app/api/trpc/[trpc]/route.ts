import { getDatabase } from '@/db/client';
import { makeTrpcHandler } from '@/server/api/http-handler';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { getSessionUser } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

const handler = makeTrpcHandler(appRouter, async (req, requestId) =>
  createContext({
    database: await getDatabase(),
    user: await getSessionUser(),
    headers: req.headers,
    requestId,
  }),
);

export { handler as GET, handler as POST };
