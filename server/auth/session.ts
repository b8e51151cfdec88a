import { getServerSession } from 'next-auth/next';
import { cache } from 'react';
import { getDatabase } from '@/db/client';
import { findSessionUser } from '@/server/services/auth/find-session-user';
import type { SessionUser } from '@/server/services/shared/context';
import { authOptions } from './options';

/**
 * The signed-in user of the current request, or null. Works in server components, route handlers
 * and server actions (next-auth reads the session cookie through next/headers). Cached per request.
 */
export const getSessionUser = cache(async function getSessionUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  if (!userId) return null;
  const database = await getDatabase();
  return findSessionUser({
    ctx: { database, db: database.db, user: null, now: () => new Date() },
    input: { userId },
  });
});
