import { redirect } from 'next/navigation';
import { getServerSession } from 'next-auth/next';
import { cache } from 'react';
import { getDatabase } from '@/db/client';
import { checkSession } from '@/server/services/auth/sessions';
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
  // The token alone is not enough: its server-side session must still be alive (sessions.ts).
  return checkSession({
    ctx: { database, db: database.db, user: null, now: () => new Date() },
    input: { userId, sessionId: session.user.sid },
  });
});

/**
 * For pages that need a signed-in person: returns them, or sends the browser to /signin and back to
 * `returnTo` (this page's path, e.g. `/coordinator/roster?q=3-2-201`) afterwards.
 */
export async function requireSessionUser(returnTo: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
