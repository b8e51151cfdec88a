import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { ServiceContext, SessionUser } from '@/server/services/shared/context';

/**
 * The person a session token names, read fresh from the database: a renamed person shows their new
 * name at once, and a token that outlived its user (a wiped demo database) signs nobody in.
 */
export async function findSessionUser({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { userId: string };
}): Promise<SessionUser | null> {
  if (!/^[0-9a-f-]{36}$/i.test(input.userId)) return null;
  const [row] = await ctx.db
    .select({ id: users.id, phone: users.phone, name: users.name })
    .from(users)
    .where(eq(users.id, input.userId));
  return row ?? null;
}
