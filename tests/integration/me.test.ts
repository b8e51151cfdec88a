import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { merchantMembers, merchants, users } from '@/db/schema';
import { notifyUsers } from '@/server/services/shared/notify';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, makeUser, type TestCommunity } from '@/tests/helpers/fixtures';

let database: Database;
let c: TestCommunity;
let other: TestCommunity;
let people: Awaited<ReturnType<typeof makeRoleUsers>>;
let otherPeople: Awaited<ReturnType<typeof makeRoleUsers>>;
let merchantOwner: SessionUser;
let merchantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  c = await makeCommunity(db, { name: '钟楼新村(测)' });
  other = await makeCommunity(db, { name: '东苑新村(测)', buildings: 1 });
  people = await makeRoleUsers(db, c);
  otherPeople = await makeRoleUsers(db, other);
  merchantOwner = await makeUser(db, { name: '陈老板' });
  const [m] = await db
    .insert(merchants)
    .values({ legalName: '上海测试超市有限公司', displayName: '测试超市', createdBy: merchantOwner.id })
    .returning();
  merchantId = m!.id;
  await db.insert(merchantMembers).values({ merchantId, userId: merchantOwner.id, role: 'owner' });
});
afterAll(async () => {
  await database.close();
});

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
  return 'OK';
};

describe('me.get', () => {
  it('refuses anonymous callers everywhere', async () => {
    const anon = callerFor(database, null);
    expect(await code(anon.me.get())).toBe('UNAUTHORIZED');
    expect(await code(anon.me.unreadCount())).toBe('UNAUTHORIZED');
    expect(await code(anon.me.notifications({}))).toBe('UNAUTHORIZED');
    expect(await code(anon.me.markNotificationsRead({ all: true }))).toBe('UNAUTHORIZED');
    expect(await code(anon.me.setLocale({ locale: 'en' }))).toBe('UNAUTHORIZED');
    expect(await code(anon.me.communityOverview({ communityId: c.id }))).toBe('UNAUTHORIZED');
  });

  it('tells a resident their compound and household', async () => {
    const me = await callerFor(database, people.resident).me.get();
    expect(me.user.name).toBe('张居民');
    expect(me.communities).toEqual([
      expect.objectContaining({
        id: c.id,
        roles: ['resident'],
        household: { id: c.households[0]!.id, building: '1', stairwell: '1', floor: 1, room: '101' },
        stairwells: [],
      }),
    ]);
    expect(me.merchants).toEqual([]);
  });

  it('tells a volunteer the stairwells they serve, and a coordinator their role', async () => {
    const v = await callerFor(database, people.volunteer).me.get();
    expect(v.communities).toHaveLength(1);
    expect(v.communities[0]!.roles).toEqual(['volunteer']);
    expect(v.communities[0]!.stairwells).toEqual([
      { id: c.stairwells[0]!.id, building: '1', stairwell: '1', role: 'leader' },
    ]);
    const a = await callerFor(database, people.admin).me.get();
    expect(a.communities.map((x) => [x.id, x.roles])).toEqual([[c.id, ['admin']]]);
  });

  it('lists the merchants a person works for, and nothing for an outsider', async () => {
    const m = await callerFor(database, merchantOwner).me.get();
    expect(m.communities).toEqual([]);
    expect(m.merchants).toEqual([
      { id: merchantId, displayName: '测试超市', legalName: '上海测试超市有限公司', role: 'owner' },
    ]);
    const o = await callerFor(database, people.outsider).me.get();
    expect(o.communities).toEqual([]);
    expect(o.merchants).toEqual([]);
  });

  it('remembers the language a person chose', async () => {
    await callerFor(database, people.resident).me.setLocale({ locale: 'en' });
    const [u] = await database.db
      .select({ locale: users.locale })
      .from(users)
      .where(eq(users.id, people.resident.id));
    expect(u!.locale).toBe('en');
    expect(await code(callerFor(database, people.resident).me.setLocale({ locale: 'fr' as 'en' }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('notifications', () => {
  it('counts, lists newest first in pages, and marks read only the person’s own', async () => {
    // Written one by one so their times differ; the other resident's must never show up.
    for (let i = 0; i < 5; i++) {
      await notifyUsers(database.db, [
        { communityId: c.id, userId: people.volunteer.id, kind: 'test.item', payload: { n: i } },
      ]);
    }
    await notifyUsers(database.db, [
      { communityId: other.id, userId: people.volunteer.id, kind: 'test.item', payload: { n: 5 } },
    ]);
    await notifyUsers(database.db, [
      { communityId: other.id, userId: otherPeople.resident.id, kind: 'test.item', payload: { n: 99 } },
    ]);

    const me = callerFor(database, people.volunteer);
    expect(await me.me.unreadCount()).toBe(6);
    expect((await me.me.get()).unreadNotifications).toBe(6);

    const page1 = await me.me.notifications({ limit: 4 });
    expect(page1.items).toHaveLength(4);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await me.me.notifications({ limit: 4, cursor: page1.nextCursor });
    expect(page2.items).toHaveLength(2);
    expect(page2.nextCursor).toBeNull();
    const all = [...page1.items, ...page2.items];
    expect(all.map((n) => n.payload.n).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.createdAt >= all[i]!.createdAt).toBe(true);
    expect(all.find((n) => n.payload.n === 5)!.communityName).toBe('东苑新村(测)');

    // Another person's notification reads as not found, and nothing is marked.
    const theirs = (await callerFor(database, otherPeople.resident).me.notifications({})).items[0]!;
    expect(
      await code(
        me.me.markNotificationsRead({
          items: [
            { communityId: all[0]!.communityId, id: all[0]!.id },
            { communityId: theirs.communityId, id: theirs.id },
          ],
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(await me.me.unreadCount()).toBe(6);

    const r = await me.me.markNotificationsRead({
      items: [{ communityId: all[0]!.communityId, id: all[0]!.id }],
    });
    expect(r).toEqual({ marked: 1, unread: 5 });
    // Marking it again changes nothing.
    expect(
      await me.me.markNotificationsRead({ items: [{ communityId: all[0]!.communityId, id: all[0]!.id }] }),
    ).toEqual({ marked: 0, unread: 5 });
    expect((await me.me.notifications({ unreadOnly: true })).items).toHaveLength(5);

    expect(await me.me.markNotificationsRead({ all: true })).toEqual({ marked: 5, unread: 0 });
    // The other person's stays unread.
    expect(await callerFor(database, otherPeople.resident).me.unreadCount()).toBe(1);
  });

  it('rejects a malformed cursor as bad input', async () => {
    expect(await code(callerFor(database, people.volunteer).me.notifications({ cursor: 'nonsense' }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('me.communityOverview', () => {
  it('gives coordinators their compound’s figures', async () => {
    const o = await callerFor(database, people.owner).me.communityOverview({ communityId: c.id });
    expect(o.community.name).toBe('钟楼新村(测)');
    expect(o.roster).toMatchObject({
      buildings: 2,
      stairwells: 4,
      households: 16,
      residents: 1,
      volunteers: 1,
      coordinators: 2,
    });
    expect(o.roster.emptyHouseholds).toBe(15);
    // Stairwell 0 has a leader and no volunteer; the other three have neither.
    expect(o.gaps).toEqual({ withoutLeader: 3, withoutVolunteer: 4 });
    expect(await callerFor(database, people.admin).me.communityOverview({ communityId: c.id })).toEqual(o);
  });

  it('refuses volunteers, residents, outsiders and the coordinators of another compound', async () => {
    for (const u of [people.volunteer, people.resident, people.outsider, otherPeople.owner, merchantOwner]) {
      expect(await code(callerFor(database, u).me.communityOverview({ communityId: c.id }))).toBe(
        'FORBIDDEN',
      );
    }
  });
});
