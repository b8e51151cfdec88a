/**
 * Sessions that end (issue 11 item 9). The session cookie is still next-auth's JWT, but it names a
 * row of `auth_sessions` (claim `sid`) and the user's `session_version` at sign-in (claim `sv`);
 * every request checks both, so:
 *   - sign-out revokes this browser's row (the old cookie is refused from the next request);
 *   - "sign out everywhere" bumps `users.session_version` (every older session ends at once);
 *   - an absolute lifetime (`expires_at`) and an idle timeout (`last_seen_at`) end forgotten ones.
 * Memberships and roles are not in the token at all: they are read per request (access.ts), so a
 * revoked membership or a changed role holds from the next request.
 *
 * The check is cached per process for SESSION_CHECK_CACHE_SECONDS (default 5 s): another instance
 * may honour a revoked session for at most that long; the instance that revoked it forgets at once.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { authSessions, users } from '@/db/schema';
import type { AuthedContext, ServiceContext, SessionUser } from '@/server/services/shared/context';
import { inTransaction } from '@/server/services/shared/tx';

type Env = Record<string, string | undefined>;

export type SessionConfig = {
  /** Absolute lifetime from sign-in (SESSION_MAX_AGE_SECONDS, default 30 days). */
  maxAgeSeconds: number;
  /** Ends a session unused this long (SESSION_IDLE_SECONDS, default 14 days). */
  idleSeconds: number;
  /** How long a positive check is reused in this process (SESSION_CHECK_CACHE_SECONDS, default 5). */
  cacheSeconds: number;
};

const DAY = 24 * 60 * 60;

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw && Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function sessionConfig(env: Env = process.env): SessionConfig {
  return {
    maxAgeSeconds: positive(env.SESSION_MAX_AGE_SECONDS, 30 * DAY) || 30 * DAY,
    idleSeconds: positive(env.SESSION_IDLE_SECONDS, 14 * DAY) || 14 * DAY,
    cacheSeconds: positive(env.SESSION_CHECK_CACHE_SECONDS, 5),
  };
}

/** `last_seen_at` is written at most this often per session (idle timeouts are days, not minutes). */
const TOUCH_EVERY_MS = 60_000;

type Cached = { user: SessionUser; until: number };
const holder = globalThis as unknown as { linliSessionCache?: Map<string, Cached> };
const cache: Map<string, Cached> = (holder.linliSessionCache ??= new Map<string, Cached>());

function forgetUser(userId: string): void {
  for (const [sid, c] of cache) if (c.user.id === userId) cache.delete(sid);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opens a session for a person who just signed in; its id and version go into the token. */
export async function startSession({
  ctx,
  input,
  config = sessionConfig(),
}: {
  ctx: ServiceContext;
  input: { userId: string };
  config?: SessionConfig;
}): Promise<{ sessionId: string; version: number }> {
  const now = ctx.now();
  const [user] = await ctx.db
    .select({ version: users.sessionVersion })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user) throw new Error(`[auth] no user ${input.userId} to open a session for`);
  const [row] = await ctx.db
    .insert(authSessions)
    .values({
      id: randomUUID(),
      userId: input.userId,
      version: user.version,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + config.maxAgeSeconds * 1000),
    })
    .returning({ id: authSessions.id, version: authSessions.version });
  return { sessionId: row!.id, version: row!.version };
}

/**
 * The person a session token names, if that session is still alive: not revoked, not past its
 * lifetime, used within the idle timeout, issued under the user's current session version. Null
 * otherwise (the request is treated as signed out). Reads fresh name and phone.
 */
export async function checkSession({
  ctx,
  input,
  config = sessionConfig(),
}: {
  ctx: ServiceContext;
  input: { userId: string; sessionId: string | null | undefined };
  config?: SessionConfig;
}): Promise<SessionUser | null> {
  const { userId, sessionId } = input;
  if (!sessionId || !UUID.test(sessionId) || !UUID.test(userId)) return null;
  const now = ctx.now();
  const hit = cache.get(sessionId);
  if (hit && hit.until > now.getTime() && hit.user.id === userId) return hit.user;
  cache.delete(sessionId);

  const [row] = await ctx.db
    .select({
      id: users.id,
      phone: users.phone,
      name: users.name,
      lastSeenAt: authSessions.lastSeenAt,
    })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(
      and(
        eq(authSessions.id, sessionId),
        eq(authSessions.userId, userId),
        isNull(authSessions.revokedAt),
        sql`${authSessions.expiresAt} > ${now.toISOString()}::timestamptz`,
        sql`${authSessions.lastSeenAt} > ${new Date(now.getTime() - config.idleSeconds * 1000).toISOString()}::timestamptz`,
        eq(authSessions.version, users.sessionVersion),
      ),
    );
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await ctx.db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, sessionId));
  }
  const user: SessionUser = { id: row.id, phone: row.phone, name: row.name, sessionId };
  if (config.cacheSeconds > 0)
    cache.set(sessionId, { user, until: now.getTime() + config.cacheSeconds * 1000 });
  return user;
}

/** Sign-out: this browser's session ends; the person's other sessions go on. */
export async function endSession({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { sessionId: string | null | undefined };
}): Promise<void> {
  const { sessionId } = input;
  if (!sessionId || !UUID.test(sessionId)) return;
  cache.delete(sessionId);
  await ctx.db
    .update(authSessions)
    .set({ revokedAt: ctx.now() })
    .where(and(eq(authSessions.id, sessionId), isNull(authSessions.revokedAt)));
}

/**
 * "Sign out everywhere" (退出所有设备): bumps the person's session version, so every session
 * issued before (other phones, a lost phone, this one) ends on its next request; the rows are
 * marked revoked too, for the record.
 */
export async function signOutEverywhere({ ctx }: { ctx: AuthedContext }): Promise<{ ended: number }> {
  const now = ctx.now();
  const ended = await inTransaction(ctx.db, async (tx) => {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, ctx.user.id));
    return tx
      .update(authSessions)
      .set({ revokedAt: now })
      .where(and(eq(authSessions.userId, ctx.user.id), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
  });
  forgetUser(ctx.user.id);
  return { ended: ended.length };
}
