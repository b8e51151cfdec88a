/**
 * Issue 15, the parts around the three lifecycles: the volunteer's check-in list of care households
 * (last contacted, overdue after the compound's N days, default 3), quick "called / visited" marks,
 * photos on needs and notices (stored per compound, shown only to whom they concern), a notice's
 * reach per stairwell, notices by SMS to the registered phones of households without a smartphone
 * (throttled), and the refusals of each new procedure.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { careContacts, careProfiles, communities } from '@/db/schema';
import { useNoticeSmsSender } from '@/server/messaging/notice-sms';
import type { SessionUser } from '@/server/services/shared/context';
import { makeCareWorld, rejectsWith, type CareWorld } from '@/tests/helpers/care-world';
import { createTestDatabase } from '@/tests/helpers/db';
import { SAMPLES } from '@/tests/helpers/file-samples';
import { addMember, makeUser } from '@/tests/helpers/fixtures';

let database: Database;
let w: CareWorld;
let clock = new Date('2026-04-10T08:00:00+08:00');
const DAY = 24 * 3_600_000;
const jpeg = Buffer.from(SAMPLES.jpeg).toString('base64');

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeCareWorld(database, () => clock);
});
afterAll(async () => {
  useNoticeSmsSender(null);
  await database.close();
});

describe('the check-in list', () => {
  it('lists the care households of my stairwells, never contacted ones flagged', async () => {
    const mine = await w.as(w.people.volunteer).needs.checkins({ communityId: w.c.id });
    expect(mine.days).toBe(3);
    expect(mine.households.map((h) => h.householdId)).toEqual([w.inS0[3]!.id]);
    expect(mine.households[0]).toMatchObject({ overdue: true, lastContactAt: null, openNeeds: 0 });
    expect(mine.households[0]!.categories).toEqual(['elderly_alone']);
    // volunteer2 serves stairwell 1, which has no care household; the floater serves none.
    expect((await w.as(w.volunteer2).needs.checkins({ communityId: w.c.id })).households).toEqual([]);
    expect((await w.as(w.floater).needs.checkins({ communityId: w.c.id })).households).toEqual([]);
  });

  it('moves "last contacted" on a call, and flags the household again after N days', async () => {
    const h = w.inS0[3]!.id;
    const r = await w
      .as(w.people.volunteer)
      .needs.contact({ communityId: w.c.id, householdId: h, outcome: 'called' });
    expect(r.at).toEqual(clock);
    let list = await w.as(w.people.volunteer).needs.checkins({ communityId: w.c.id });
    expect(list.households[0]).toMatchObject({
      overdue: false,
      lastOutcome: 'called',
      lastBy: w.people.volunteer.name,
    });
    expect(list.overdue).toBe(0);
    clock = new Date(clock.getTime() + 3 * DAY + 60_000);
    list = await w.as(w.people.admin).needs.checkins({ communityId: w.c.id });
    expect(list.households.find((x) => x.householdId === h)).toMatchObject({ overdue: true });
    expect(list.overdue).toBe(1);
    // A compound that checks every 5 days does not flag it yet.
    await database.db
      .update(communities)
      .set({ settings: { disinfectionDwellMinutes: 30, unpaidHoldMinutes: 15, careContactDays: 5 } })
      .where(eq(communities.id, w.c.id));
    list = await w.as(w.people.admin).needs.checkins({ communityId: w.c.id });
    expect(list.days).toBe(5);
    expect(list.overdue).toBe(0);
    // Recording a need for it also counts as contact.
    await w.as(w.people.volunteer).needs.record({ communityId: w.c.id, householdId: h, kind: 'groceries' });
    list = await w.as(w.people.volunteer).needs.checkins({ communityId: w.c.id });
    expect(list.households[0]).toMatchObject({ lastOutcome: 'need_recorded', openNeeds: 1 });
  });

  it('refuses contacts outside the registry or my stairwells', async () => {
    const c = w.c.id;
    await rejectsWith(
      w
        .as(w.people.volunteer)
        .needs.contact({ communityId: c, householdId: w.inS0[2]!.id, outcome: 'visited' }),
      'NOT_FOUND',
      'HOUSEHOLD_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.volunteer2).needs.contact({ communityId: c, householdId: w.inS0[3]!.id, outcome: 'visited' }),
      'NOT_FOUND',
      'HOUSEHOLD_NOT_FOUND',
    );
    await rejectsWith(
      w
        .as(w.people.admin)
        .needs.contact({ communityId: c, householdId: w.inS0[3]!.id, outcome: 'phoned' as 'called' }),
      'BAD_REQUEST',
    );
    const n = await database.db.$count(careContacts, eq(careContacts.outcome, 'visited'));
    expect(n).toBe(0);
  });
});

describe('photos', () => {
  it('attaches a photo to a need and its delivery, shown to staff and the household only', async () => {
    const c = w.c.id;
    const { photoKey } = await w.as(w.people.volunteer).needs.uploadPhoto({ communityId: c, base64: jpeg });
    expect(photoKey).toMatch(new RegExp(`^care/${c}/`));
    const need = await w.as(w.people.volunteer).needs.record({
      communityId: c,
      householdId: w.inS0[3]!.id,
      kind: 'medicine',
      photoKey,
    });
    const list = await w.as(w.volunteer2).needs.list({ communityId: c });
    expect(list.find((x) => x.id === need.id)!.photoKey).toBe(photoKey);
    const seen = await w.as(w.volunteer2).needs.photo({ communityId: c, photoKey });
    expect(seen.dataUrl).toMatch(/^data:image\/jpeg;base64,/);
    const careResident = w.residents[3]!;
    expect((await w.as(careResident).needs.photo({ communityId: c, photoKey })).dataUrl).toBe(seen.dataUrl);
    await rejectsWith(
      w.as(w.residentS1).needs.photo({ communityId: c, photoKey }),
      'NOT_FOUND',
      'PHOTO_NOT_FOUND',
    );
    await rejectsWith(
      w.as(w.otherAdmin).needs.photo({ communityId: w.other.id, photoKey }),
      'NOT_FOUND',
      'PHOTO_NOT_FOUND',
    );
    // Delivered with a photo at the door.
    await w.as(w.volunteer2).needs.claim({ communityId: c, needId: need.id });
    const door = await w.as(w.volunteer2).needs.uploadPhoto({ communityId: c, base64: jpeg });
    await w.as(w.volunteer2).needs.delivered({
      communityId: c,
      needId: need.id,
      advancedFen: 1250,
      photoKey: door.photoKey,
    });
    const mine = await w.as(careResident).needs.mine({ communityId: c });
    expect(mine.find((x) => x.id === need.id)).toMatchObject({
      deliveryPhotoKey: door.photoKey,
      advancedFen: 1250,
      status: 'delivered',
    });
  });

  it('refuses what is not an image, and a key that was never uploaded or is of another compound', async () => {
    const c = w.c.id;
    await rejectsWith(
      w
        .as(w.people.volunteer)
        .needs.uploadPhoto({ communityId: c, base64: Buffer.from(SAMPLES.exe).toString('base64') }),
      'BAD_REQUEST',
      'PHOTO_NOT_IMAGE',
    );
    const theirs = await w.as(w.otherAdmin).needs.uploadPhoto({ communityId: w.other.id, base64: jpeg });
    await rejectsWith(
      w.as(w.people.admin).notices.post({
        communityId: c,
        title: '照片',
        body: '看图',
        target: 'compound',
        photoKey: theirs.photoKey,
      }),
      'BAD_REQUEST',
      'PHOTO_INVALID',
    );
    await rejectsWith(
      w.as(w.people.admin).notices.post({
        communityId: c,
        title: '照片',
        body: '看图',
        target: 'compound',
        photoKey: 'care/../../etc/passwd',
      }),
      'BAD_REQUEST',
    );
  });

  it('shows a notice photo to the households it reached', async () => {
    const c = w.c.id;
    const { photoKey } = await w.as(w.people.volunteer).needs.uploadPhoto({ communityId: c, base64: jpeg });
    await w.as(w.people.volunteer).notices.post({
      communityId: c,
      title: '核酸点位置',
      body: '见图',
      target: 'stairwells',
      targetIds: [w.s0.id],
      photoKey,
    });
    const mine = await w.as(w.people.resident).notices.mine({ communityId: c });
    expect(mine[0]!.photoKey).toBe(photoKey);
    await w.as(w.people.resident).needs.photo({ communityId: c, photoKey });
    await rejectsWith(
      w.as(w.residentS1).needs.photo({ communityId: c, photoKey }),
      'NOT_FOUND',
      'PHOTO_NOT_FOUND',
    );
  });
});

describe('reach per stairwell', () => {
  it('counts who is left per stairwell in my scope, care households apart', async () => {
    const c = w.c.id;
    const n = await w.as(w.people.admin).notices.post({
      communityId: c,
      title: '明早核酸',
      body: '7点',
      target: 'buildings',
      targetIds: [w.c.buildings[0]!.id],
      needsConfirm: true,
    });
    await w.as(w.people.resident).notices.confirm({ communityId: c, noticeId: n.id });
    const all = await w.as(w.people.admin).notices.reach({ communityId: c, noticeId: n.id });
    expect(all.stairwells).toHaveLength(2);
    const s0 = all.stairwells.find((s) => s.stairwellId === w.s0.id)!;
    expect(s0).toMatchObject({ households: 4, read: 1, confirmed: 1, left: 3, careLeft: 1 });
    // The leader of stairwell 0 sees only theirs.
    const led = await w.as(w.people.volunteer).notices.reach({ communityId: c, noticeId: n.id });
    expect(led.stairwells.map((s) => s.stairwellId)).toEqual([w.s0.id]);
    expect((await w.as(w.floater).notices.reach({ communityId: c, noticeId: n.id })).stairwells).toEqual([]);
    await rejectsWith(
      w.as(w.otherAdmin).notices.reach({ communityId: w.other.id, noticeId: n.id }),
      'NOT_FOUND',
      'NOTICE_NOT_FOUND',
    );
  });
});

describe('notices by SMS to households without a smartphone', () => {
  it('texts the registered phones of reached no-smartphone households, throttled per phone', async () => {
    const c = w.c.id;
    const sent: { phone: string; title: string }[] = [];
    useNoticeSmsSender({
      name: 'test',
      async sendTemplate(phone, _template, params) {
        sent.push({ phone, title: params.title! });
      },
    });
    // 刘阿姨's household in stairwell 1 has no smartphone; her son is registered on it with a phone.
    const h = w.inS1[0]!.id;
    await database.db
      .insert(careProfiles)
      .values({ communityId: c, householdId: h, categories: ['no_smartphone'] });
    const son: SessionUser = await makeUser(database.db, { name: '刘阿姨的儿子' });
    await addMember(database.db, c, son, 'resident', h);
    const post = (title: string) =>
      w
        .as(w.people.admin)
        .notices.post({ communityId: c, title, body: '内容', target: 'stairwells', targetIds: [w.s1.id] });
    const first = await post('今晚物资到楼下');
    expect(first.smsSent).toBe(2); // 刘阿姨 (a phone on file) and her son
    expect(sent.map((s) => s.title)).toEqual(['今晚物资到楼下', '今晚物资到楼下']);
    expect(new Set(sent.map((s) => s.phone))).toEqual(new Set([w.residentS1.phone, son.phone]));
    // A notice to stairwell 0 reaches no such household: nothing is sent.
    expect(
      (
        await w.as(w.people.admin).notices.post({
          communityId: c,
          title: '别的楼道',
          body: '内容',
          target: 'stairwells',
          targetIds: [w.s0.id],
        })
      ).smsSent,
    ).toBe(0);
    // At most 3 an hour per phone: the fourth notice is held back (it is still in the app).
    await post('二');
    await post('三');
    expect((await post('四')).smsSent).toBe(0);
    expect(sent).toHaveLength(6);
    expect(
      await database.db.$count(
        careProfiles,
        and(eq(careProfiles.communityId, c), eq(careProfiles.householdId, h)),
      ),
    ).toBe(1);
  });
});

describe('refusals', () => {
  it('refuses anonymous callers, wrong roles and other compounds on the new procedures', async () => {
    const c = w.c.id;
    type U = SessionUser | null;
    const n = await w
      .as(w.people.admin)
      .notices.post({ communityId: c, title: 't', body: 'b', target: 'compound' });
    const staff = [
      (u: U) => w.as(u).needs.checkins({ communityId: c }),
      (u: U) => w.as(u).needs.contact({ communityId: c, householdId: w.inS0[3]!.id, outcome: 'called' }),
      (u: U) => w.as(u).notices.reach({ communityId: c, noticeId: n.id }),
    ];
    const member = [
      (u: U) => w.as(u).needs.uploadPhoto({ communityId: c, base64: jpeg }),
      (u: U) => w.as(u).needs.photo({ communityId: c, photoKey: `care/${c}/2026/04/${n.id}` }),
    ];
    for (const call of [...staff, ...member]) {
      await rejectsWith(call(null), 'UNAUTHORIZED');
      await rejectsWith(call(w.otherAdmin), 'FORBIDDEN');
      await rejectsWith(call(w.otherResident), 'FORBIDDEN');
    }
    for (const call of staff) await rejectsWith(call(w.residentS1), 'FORBIDDEN');
  });
});
