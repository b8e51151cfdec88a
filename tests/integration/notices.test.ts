/**
 * Notices with read receipts (issue 15, part 1): who may post where, the per-household receipts
 * written in one statement, residents reading and confirming (concurrently), the leader's
 * "who is left" list in one query, and the refusals of every procedure.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, buildings, communities, households, noticeReceipts, stairwells } from '@/db/schema';
import { callerFor } from '@/tests/helpers/context';
import { countingDatabase } from '@/tests/helpers/count-queries';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCareWorld, rejectsWith, type CareWorld } from '@/tests/helpers/care-world';
import { addMember, makeUser } from '@/tests/helpers/fixtures';

let database: Database;
let w: CareWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeCareWorld(database);
});
afterAll(async () => {
  await database.close();
});

const post = (extra: Partial<Parameters<ReturnType<CareWorld['as']>['notices']['post']>[0]> = {}) => ({
  communityId: w.c.id,
  title: '明早核酸',
  body: '明早7点在南门做核酸，请带好手机。',
  target: 'compound' as const,
  ...extra,
});

describe('who can post where', () => {
  it('lets a coordinator post to the compound, a building or stairwells', async () => {
    const all = await w.as(w.people.admin).notices.post(post());
    expect(all.householdCount).toBe(24);
    const b = await w
      .as(w.people.owner)
      .notices.post(post({ target: 'buildings', targetIds: [w.c.buildings[1]!.id] }));
    expect(b.householdCount).toBe(8);
    const s = await w
      .as(w.people.admin)
      .notices.post(post({ target: 'stairwells', targetIds: [w.s0.id, w.s1.id] }));
    expect(s.householdCount).toBe(8);
    expect(
      await database.db.$count(
        auditLog,
        and(eq(auditLog.communityId, w.c.id), eq(auditLog.action, 'notice.post')),
      ),
    ).toBe(3);
  });

  it('lets a stairwell leader post to the stairwell they lead, and nowhere else', async () => {
    const ok = await w
      .as(w.people.volunteer)
      .notices.post(post({ target: 'stairwells', targetIds: [w.s0.id] }));
    expect(ok.householdCount).toBe(4);
    await rejectsWith(
      w.as(w.people.volunteer).notices.post(post({ target: 'stairwells', targetIds: [w.s1.id] })),
      'NOT_FOUND',
      'STAIRWELL_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.people.volunteer).notices.post(post({ target: 'stairwells', targetIds: [w.s0.id, w.s1.id] })),
      'NOT_FOUND',
      'STAIRWELL_NOT_FOUND',
    );
    await rejectsWith(w.as(w.people.volunteer).notices.post(post()), 'FORBIDDEN', 'NOTICE_TARGET_FORBIDDEN');
    await rejectsWith(
      w.as(w.people.volunteer).notices.post(post({ target: 'buildings', targetIds: [w.c.buildings[0]!.id] })),
      'FORBIDDEN',
      'NOTICE_TARGET_FORBIDDEN',
    );
  });

  it('refuses volunteers who lead no stairwell, and targets of another compound', async () => {
    await rejectsWith(
      w.as(w.volunteer2).notices.post(post({ target: 'stairwells', targetIds: [w.s1.id] })),
      'FORBIDDEN',
      'NOTICE_TARGET_FORBIDDEN',
    );
    await rejectsWith(
      w
        .as(w.people.admin)
        .notices.post(post({ target: 'stairwells', targetIds: [w.other.stairwells[0]!.id] })),
      'NOT_FOUND',
      'STAIRWELL_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.people.admin).notices.post(post({ target: 'buildings', targetIds: [w.other.buildings[0]!.id] })),
      'NOT_FOUND',
      'BUILDING_NOT_FOUND',
    );
    await rejectsWith(w.as(w.people.admin).notices.post(post({ title: '  ' })), 'BAD_REQUEST');
    await rejectsWith(
      w.as(w.people.admin).notices.post(post({ target: 'stairwells', targetIds: [] })),
      'BAD_REQUEST',
      'NOTICE_TARGET_REQUIRED',
    );
  });
});

describe('reading, confirming and who is left', () => {
  let noticeId: string;
  beforeAll(async () => {
    const n = await w
      .as(w.people.volunteer)
      .notices.post(
        post({ title: '收到请回复', target: 'stairwells', targetIds: [w.s0.id], needsConfirm: true }),
      );
    noticeId = n.id;
  });

  it('shows residents their unread notices first', async () => {
    const mine = await w.as(w.people.resident).notices.mine({ communityId: w.c.id });
    expect(mine[0]!.readAt).toBeNull();
    expect(mine.some((n) => n.id === noticeId)).toBe(true);
  });

  it('keeps the per-stairwell list exact after concurrent reads by several phones', async () => {
    // Households 0, 1 (two phones at once) and 2 open it at the same moment; household 3 does not.
    const readers = [w.residents[0]!, w.residents[1]!, w.spouse, w.residents[2]!];
    await Promise.all(readers.map((r) => w.as(r).notices.read({ communityId: w.c.id, noticeId })));
    const list = await w
      .as(w.people.volunteer)
      .notices.stairwell({ communityId: w.c.id, noticeId, stairwellId: w.s0.id });
    expect(list.households).toHaveLength(4);
    expect(
      list.households
        .filter((h) => h.readAt)
        .map((h) => h.householdId)
        .sort(),
    ).toEqual([w.inS0[0]!.id, w.inS0[1]!.id, w.inS0[2]!.id].sort());
    // Read but not confirmed still counts as left (the notice asks for a reply); the care household first.
    expect(list.left).toBe(4);
    expect(list.households[0]!.householdId).toBe(w.inS0[3]!.id);
    expect(list.households[0]!.care).toBe(true);
    const rows = await database.db
      .select()
      .from(noticeReceipts)
      .where(and(eq(noticeReceipts.communityId, w.c.id), eq(noticeReceipts.noticeId, noticeId)));
    expect(rows).toHaveLength(4);
  });

  it('records who confirmed; the confirmed households leave the list', async () => {
    const r = await w.as(w.residents[1]!).notices.confirm({ communityId: w.c.id, noticeId });
    expect(r.confirmedAt).not.toBeNull();
    const again = await w.as(w.spouse).notices.confirm({ communityId: w.c.id, noticeId });
    expect(again.confirmedAt).toEqual(r.confirmedAt);
    await w.as(w.residents[0]!).notices.confirm({ communityId: w.c.id, noticeId });
    const list = await w
      .as(w.people.admin)
      .notices.stairwell({ communityId: w.c.id, noticeId, stairwellId: w.s0.id });
    expect(list.left).toBe(2);
    expect(list.households.filter((h) => h.outstanding).map((h) => h.householdId)).toEqual([
      w.inS0[3]!.id,
      w.inS0[2]!.id,
    ]);
    const [row] = await database.db
      .select({ by: noticeReceipts.confirmedBy })
      .from(noticeReceipts)
      .where(and(eq(noticeReceipts.noticeId, noticeId), eq(noticeReceipts.householdId, w.inS0[1]!.id)));
    expect(row!.by).toBe(w.residents[1]!.id);
  });

  it('lets the leader mark a household informed in person', async () => {
    await w
      .as(w.people.volunteer)
      .notices.markInformed({ communityId: w.c.id, noticeId, householdId: w.inS0[3]!.id });
    const list = await w
      .as(w.people.volunteer)
      .notices.stairwell({ communityId: w.c.id, noticeId, stairwellId: w.s0.id });
    expect(list.left).toBe(1);
    const summary = await w.as(w.people.volunteer).notices.list({ communityId: w.c.id });
    expect(summary.find((n) => n.id === noticeId)).toMatchObject({
      households: 4,
      read: 3,
      confirmed: 2,
      informed: 1,
    });
  });

  it('refuses a confirmation of a notice that asks for none', async () => {
    const plain = await w
      .as(w.people.volunteer)
      .notices.post(post({ target: 'stairwells', targetIds: [w.s0.id] }));
    await rejectsWith(
      w.as(w.people.resident).notices.confirm({ communityId: w.c.id, noticeId: plain.id }),
      'PRECONDITION_FAILED',
      'NOTICE_NO_CONFIRM',
    );
  });

  it('keeps scope: other stairwells and other households read as not found', async () => {
    await rejectsWith(
      w.as(w.residentS1).notices.read({ communityId: w.c.id, noticeId }),
      'NOT_FOUND',
      'NOTICE_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.volunteer2).notices.stairwell({ communityId: w.c.id, noticeId, stairwellId: w.s0.id }),
      'NOT_FOUND',
      'STAIRWELL_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.volunteer2).notices.markInformed({ communityId: w.c.id, noticeId, householdId: w.inS0[2]!.id }),
      'NOT_FOUND',
      'HOUSEHOLD_NOT_FOUND',
    );
    // The other compound's coordinator, asking through their own compound, finds nothing.
    await rejectsWith(
      w
        .as(w.otherAdmin)
        .notices.stairwell({ communityId: w.other.id, noticeId, stairwellId: w.other.stairwells[0]!.id }),
      'NOT_FOUND',
      'NOTICE_NOT_FOUND',
    );
  });

  it('refuses anonymous callers, wrong roles and other compounds on every procedure', async () => {
    const c = w.c.id;
    const staff = {
      post: (u: Parameters<CareWorld['as']>[0]) => w.as(u).notices.post(post({ communityId: c })),
      list: (u: Parameters<CareWorld['as']>[0]) => w.as(u).notices.list({ communityId: c }),
      stairwell: (u: Parameters<CareWorld['as']>[0]) =>
        w.as(u).notices.stairwell({ communityId: c, noticeId, stairwellId: w.s0.id }),
      markInformed: (u: Parameters<CareWorld['as']>[0]) =>
        w.as(u).notices.markInformed({ communityId: c, noticeId, householdId: w.inS0[2]!.id }),
    };
    const resident = {
      mine: (u: Parameters<CareWorld['as']>[0]) => w.as(u).notices.mine({ communityId: c }),
      read: (u: Parameters<CareWorld['as']>[0]) => w.as(u).notices.read({ communityId: c, noticeId }),
      confirm: (u: Parameters<CareWorld['as']>[0]) => w.as(u).notices.confirm({ communityId: c, noticeId }),
    };
    for (const call of [...Object.values(staff), ...Object.values(resident)]) {
      await rejectsWith(call(null), 'UNAUTHORIZED');
      await rejectsWith(call(w.otherAdmin), 'FORBIDDEN');
      await rejectsWith(call(w.otherResident), 'FORBIDDEN');
    }
    for (const call of Object.values(staff)) await rejectsWith(call(w.residentS1), 'FORBIDDEN');
    for (const call of Object.values(resident)) await rejectsWith(call(w.floater), 'FORBIDDEN');
  });
});

describe('a notice to a whole compound of 1,506 households', () => {
  let communityId: string;
  let stairwellIds: string[];
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    const db = database.db;
    const [cm] = await db
      .insert(communities)
      .values({ slug: `big-${Date.now()}`, name: '钟楼新村(测)', district: '朱泾镇' })
      .returning();
    communityId = cm!.id;
    const [b] = await db.insert(buildings).values({ communityId, number: '1', routeOrder: 1 }).returning();
    const sws = await db
      .insert(stairwells)
      .values(
        Array.from({ length: 135 }, (_, i) => ({
          communityId,
          buildingId: b!.id,
          number: String(i + 1),
          routeOrder: i + 1,
        })),
      )
      .returning();
    stairwellIds = sws.map((s) => s.id);
    await db.insert(households).values(
      Array.from({ length: 1506 }, (_, i) => ({
        communityId,
        stairwellId: stairwellIds[i % 135]!,
        floor: 1 + Math.floor(i / 135),
        room: `${1 + Math.floor(i / 135)}0${(i % 2) + 1}-${i}`,
      })),
    );
    admin = await makeUser(db, { name: '孙钦' });
    await addMember(db, communityId, admin, 'admin');
  });

  it('writes the 1,506 receipts in one statement, and lists a stairwell in one query', async () => {
    const counted = await countingDatabase(database);
    const caller = callerFor(counted.database, admin);
    counted.log.length = 0;
    const n = await caller.notices.post({
      communityId,
      title: '全体居民',
      body: '今晚全员核酸。',
      target: 'compound',
    });
    expect(n.householdCount).toBe(1506);
    const writes = counted.log.filter((q) => /notice_receipts/i.test(q));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/insert into notice_receipts/i);
    // Everything the post needs — membership, stairwell seats, the notice, the receipts, the audit row,
    // and after the commit one lookup of the phone-less households to text — is a handful of
    // statements, however many households there are.
    expect(counted.log.length).toBeLessThanOrEqual(7);
    expect(
      await database.db.$count(
        noticeReceipts,
        and(eq(noticeReceipts.communityId, communityId), eq(noticeReceipts.noticeId, n.id)),
      ),
    ).toBe(1506);

    counted.log.length = 0;
    const list = await caller.notices.stairwell({
      communityId,
      noticeId: n.id,
      stairwellId: stairwellIds[7]!,
    });
    expect(list.households).toHaveLength(12);
    expect(list.left).toBe(12);
    expect(counted.log.filter((q) => /notice_receipts/i.test(q))).toHaveLength(1);
  });
});
