/**
 * Issue 11 item 9: sessions that end. The session token names a server-side session
 * (server/services/auth/sessions.ts); sign-out, "sign out everywhere", the idle timeout and the
 * absolute lifetime end it, and a revoked membership or a changed role holds from the next request.
 */
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDatabase, type Database } from '@/db/client';
import { authSessions, memberships } from '@/db/schema';
import { authOptions } from '@/server/auth/options';
import {
  checkSession,
  endSession,
  sessionConfig,
  startSession,
  type SessionConfig,
} from '@/server/services/auth/sessions';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor, serviceCtx } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, makeCommunity, makeUser, type TestCommunity } from '@/tests/helpers/fixtures';

let database: Database;
let community: TestCommunity;
beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database);
  community = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
}, 60_000);
afterAll(async () => {
  setDatabase(undefined);
  await database?.close();
});

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2022-04-10T08:00:00+08:00').getTime();
// No cache: each check reads the database, as another instance past its few seconds would.
const config: SessionConfig = {
  maxAgeSeconds: (30 * DAY) / 1000,
  idleSeconds: (14 * DAY) / 1000,
  cacheSeconds: 0,
};
const at = (ms: number) => serviceCtx(database, null, () => new Date(T0 + ms));

/** A sign-in on one phone: the session id its token carries. */
async function signIn(user: SessionUser, ms = 0): Promise<string> {
  return (await startSession({ ctx: at(ms), input: { userId: user.id }, config })).sessionId;
}
const check = (user: SessionUser, sessionId: string, ms = 0) =>
  checkSession({ ctx: at(ms), input: { userId: user.id, sessionId }, config });

describe('sessions that end', () => {
  it('refuses the old cookie after sign-out, and only that one', async () => {
    const user = await makeUser(database.db, { name: '王建国' });
    const phone = await signIn(user);
    const tablet = await signIn(user);
    expect((await check(user, phone))?.id).toBe(user.id);
    await endSession({ ctx: at(1000), input: { sessionId: phone } });
    expect(await check(user, phone, 2000)).toBeNull();
    expect((await check(user, tablet, 2000))?.id).toBe(user.id);
  });

  it('refuses a token naming no session, another person’s session, or none at all', async () => {
    const a = await makeUser(database.db);
    const b = await makeUser(database.db);
    const sid = await signIn(a);
    expect(await check(b, sid)).toBeNull();
    expect(
      await checkSession({ ctx: at(0), input: { userId: a.id, sessionId: undefined }, config }),
    ).toBeNull();
    expect(await check(a, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('"sign out everywhere" ends every session, and a new sign-in works', async () => {
    const user = await makeUser(database.db);
    const sessions = [await signIn(user), await signIn(user), await signIn(user)];
    const me = { ...user, sessionId: sessions[0] };
    const res = await callerFor(database, me, () => new Date(T0 + 1000)).auth.signOutEverywhere();
    expect(res.ended).toBe(3);
    for (const s of sessions) expect(await check(user, s, 2000)).toBeNull();
    const fresh = await signIn(user, 3000);
    expect((await check(user, fresh, 4000))?.id).toBe(user.id);
  });

  it('ends a session when the version moves on even if its row was not marked (another instance bumped it)', async () => {
    const user = await makeUser(database.db);
    const sid = await signIn(user);
    await callerFor(database, user).auth.signOutEverywhere();
    // Un-revoke the row by hand: only the version differs now.
    await database.db.update(authSessions).set({ revokedAt: null }).where(eq(authSessions.id, sid));
    expect(await check(user, sid, 1000)).toBeNull();
  });

  it('refuses "sign out everywhere" to a signed-out caller', async () => {
    const err = await callerFor(database, null)
      .auth.signOutEverywhere()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('UNAUTHORIZED');
  });

  it('ends an idle session, keeps a used one, and none outlives its absolute lifetime', async () => {
    const user = await makeUser(database.db);
    const idle = await signIn(user);
    const used = await signIn(user);
    expect(await check(user, idle, 15 * DAY)).toBeNull();
    for (const day of [10, 20]) expect((await check(user, used, day * DAY))?.id).toBe(user.id);
    expect((await check(user, used, 29 * DAY))?.id).toBe(user.id);
    expect(await check(user, used, 31 * DAY)).toBeNull();
  });

  it('a revoked membership and a changed role hold on the next request', async () => {
    const user = await makeUser(database.db, { name: '孙钦' });
    await addMember(database.db, community.id, user, 'admin');
    const sid = await signIn(user);
    const session = (await check(user, sid))!;
    const search = () =>
      callerFor(database, session)
        .roster.search({ communityId: community.id, query: '1-1' })
        .then(
          () => 'OK',
          (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
        );
    expect(await search()).toBe('OK');
    // Demoted to volunteer: the coordinator's search is refused at once, the session lives on.
    await database.db
      .update(memberships)
      .set({ role: 'volunteer' })
      .where(and(eq(memberships.userId, user.id), eq(memberships.communityId, community.id)));
    expect(await search()).toBe('FORBIDDEN');
    await database.db
      .update(memberships)
      .set({ role: 'admin' })
      .where(and(eq(memberships.userId, user.id), eq(memberships.communityId, community.id)));
    expect(await search()).toBe('OK');
    await database.db.delete(memberships).where(eq(memberships.userId, user.id));
    expect(await search()).toBe('FORBIDDEN');
  });

  it('next-auth opens a server-side session at sign-in and sign-out ends it', async () => {
    const user = await makeUser(database.db);
    const jwt = authOptions.callbacks!.jwt!;
    const token = await jwt({
      token: {},
      user: { id: user.id, phone: user.phone, name: user.name },
      account: null,
      trigger: 'signIn',
    });
    expect(token.sid).toMatch(/^[0-9a-f-]{36}$/);
    const live = () =>
      checkSession({
        ctx: serviceCtx(database, null),
        input: { userId: user.id, sessionId: token.sid },
        config: { ...sessionConfig(), cacheSeconds: 5 },
      });
    expect((await live())?.id).toBe(user.id);
    // The same instance forgets its cached check at sign-out: the very next request is signed out.
    await authOptions.events!.signOut!({ token, session: null as never });
    expect(await live()).toBeNull();
  });
});
