/**
 * The 核酸 call-out (issue 14 §2) on a real database: call order, recall and skip, only the called
 * building hears it, progress counts, the resident's standing, and the door-to-door list.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { careProfiles, notifications } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, assignStairwell, makeCommunity, makeRoleUsers, makeUser } from '@/tests/helpers/fixtures';
import { refusal } from '@/tests/helpers/health';

let database: Database;
const T0 = new Date('2022-04-21T22:00:00Z'); // 06:00 in Shanghai: sampling started at dawn
let clock = T0;
const now = () => clock;
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const as = (user: SessionUser | null) => callerFor(database, user, now);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** 3 buildings × 2 stairwells × 2 households; one resident per building (the first household). */
async function scene() {
  clock = T0;
  const c = await makeCommunity(database.db, {
    buildings: 3,
    stairwellsPerBuilding: 2,
    householdsPerStairwell: 2,
  });
  const p = await makeRoleUsers(database.db, c); // p.resident lives in building 1
  const residents: SessionUser[] = [p.resident];
  for (const b of [1, 2]) {
    const u = await makeUser(database.db, { name: `居民${b + 1}` });
    const hh = c.households.find(
      (h) => c.stairwells.find((s) => s.id === h.stairwellId)!.buildingId === c.buildings[b]!.id,
    )!;
    await addMember(database.db, c.id, u, 'resident', hh.id);
    residents.push(u);
  }
  return { c, p, residents };
}

async function told(communityId: string, userIds: string[]) {
  const rows = await database.db
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(
      and(
        eq(notifications.communityId, communityId),
        eq(notifications.kind, 'testing.called'),
        inArray(notifications.userId, userIds),
      ),
    );
  return rows.map((r) => r.userId);
}

describe('the call order', () => {
  it('calls buildings in route order by default, telling only the called building', async () => {
    const { c, p, residents } = await scene();
    const { roundId } = await as(p.admin).healthRounds.openTesting({ communityId: c.id });
    const ids = residents.map((r) => r.id);

    const first = await as(p.admin).healthRounds.callNext({ communityId: c.id, roundId });
    expect(first).toMatchObject({
      buildingId: c.buildings[0]!.id,
      building: '1',
      notified: 1,
      status: 'called',
    });
    expect(await told(c.id, ids)).toEqual([residents[0]!.id]);

    // Resident of building 3 waits behind the called building 1 and the queued building 2.
    const third = await as(residents[2]!).healthRounds.testing({ communityId: c.id, roundId });
    expect(third.mine).toEqual({ building: '3', standing: { state: 'waiting', ahead: 2, waitMinutes: 23 } });
    expect(third.buildings[0]).not.toHaveProperty('walkIns');
    const firstView = await as(residents[0]!).healthRounds.testing({ communityId: c.id, roundId });
    expect(firstView.mine).toEqual({ building: '1', standing: { state: 'called' } });

    clock = minutes(5);
    const second = await as(p.owner).healthRounds.callNext({ communityId: c.id, roundId });
    expect(second.building).toBe('2');
    expect((await told(c.id, ids)).sort()).toEqual([residents[0]!.id, residents[1]!.id].sort());
    clock = minutes(6);
    await as(p.owner).healthRounds.callNext({ communityId: c.id, roundId });
    expect(await refusal(as(p.owner).healthRounds.callNext({ communityId: c.id, roundId }))).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'NO_BUILDING_QUEUED',
    });
  });

  it('follows a given order, and refuses an order with foreign or repeated buildings', async () => {
    const { c, p } = await scene();
    const other = await makeCommunity(database.db, { buildings: 1 });
    expect(
      await refusal(
        as(p.admin).healthRounds.openTesting({
          communityId: c.id,
          buildingIds: [c.buildings[0]!.id, other.buildings[0]!.id],
        }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', appCode: 'BUILDING_ORDER_INVALID' });
    expect(
      await refusal(
        as(p.admin).healthRounds.openTesting({
          communityId: c.id,
          buildingIds: [c.buildings[0]!.id, c.buildings[0]!.id],
        }),
      ),
    ).toMatchObject({ appCode: 'BUILDING_ORDER_INVALID' });
    const order = [c.buildings[2]!.id, c.buildings[0]!.id];
    const { roundId } = await as(p.admin).healthRounds.openTesting({ communityId: c.id, buildingIds: order });
    expect((await as(p.admin).healthRounds.callNext({ communityId: c.id, roundId })).building).toBe('3');
    expect((await as(p.admin).healthRounds.callNext({ communityId: c.id, roundId })).building).toBe('1');
    const view = await as(p.admin).healthRounds.testing({ communityId: c.id, roundId });
    expect(view.buildings.map((b) => b.number)).toEqual(['3', '1']);
  });
});

describe('recall and skip', () => {
  it('skips a building for now, calls the next, and recalls the skipped one (telling it again)', async () => {
    const { c, p, residents } = await scene();
    const { roundId } = await as(p.admin).healthRounds.openTesting({ communityId: c.id });
    const b1 = c.buildings[0]!.id;
    await as(p.admin).healthRounds.skip({ communityId: c.id, roundId, buildingId: b1 });
    expect(await told(c.id, [residents[0]!.id])).toEqual([]);
    const next = await as(p.admin).healthRounds.callNext({ communityId: c.id, roundId });
    expect(next.building).toBe('2');
    // A skipped building cannot be skipped again, nor finished.
    expect(
      await refusal(as(p.admin).healthRounds.skip({ communityId: c.id, roundId, buildingId: b1 })),
    ).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'BUILDING_CANNOT_SKIP',
    });
    clock = minutes(20);
    const recalled = await as(p.admin).healthRounds.recall({ communityId: c.id, roundId, buildingId: b1 });
    expect(recalled).toMatchObject({ status: 'called', notified: 1 });
    expect(await told(c.id, [residents[0]!.id])).toEqual([residents[0]!.id]);
    // A queued building has not been called: it cannot be recalled.
    expect(
      await refusal(
        as(p.admin).healthRounds.recall({ communityId: c.id, roundId, buildingId: c.buildings[2]!.id }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'BUILDING_CANNOT_RECALL' });
    // A building of another compound is not in the session.
    const other = await makeCommunity(database.db, { buildings: 1 });
    expect(
      await refusal(
        as(p.admin).healthRounds.recall({ communityId: c.id, roundId, buildingId: other.buildings[0]!.id }),
      ),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'BUILDING_NOT_IN_SESSION' });
  });
});

describe('progress', () => {
  it('counts stairwells done, walk-ins, and building times; a recall after done is told again', async () => {
    const { c, p, residents } = await scene();
    const { roundId } = await as(p.admin).healthRounds.openTesting({ communityId: c.id });
    const [s1, s2] = c.stairwells.filter((s) => s.buildingId === c.buildings[0]!.id);
    // Not called yet: the site cannot mark it.
    expect(
      await refusal(
        as(p.volunteer).healthRounds.markStairwell({ communityId: c.id, roundId, stairwellId: s1!.id }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'BUILDING_NOT_CALLED' });
    await as(p.admin).healthRounds.callNext({ communityId: c.id, roundId });
    clock = minutes(6);
    const a = await as(p.volunteer).healthRounds.markStairwell({
      communityId: c.id,
      roundId,
      stairwellId: s1!.id,
      walkIns: 2,
    });
    expect(a.buildingDone).toBe(false);
    // Marking again corrects the walk-ins instead of counting twice.
    await as(p.volunteer).healthRounds.markStairwell({
      communityId: c.id,
      roundId,
      stairwellId: s1!.id,
      walkIns: 3,
    });
    clock = minutes(12);
    const b = await as(p.volunteer).healthRounds.markStairwell({
      communityId: c.id,
      roundId,
      stairwellId: s2!.id,
      walkIns: 1,
    });
    expect(b.buildingDone).toBe(true);

    const view = await as(p.admin).healthRounds.testing({ communityId: c.id, roundId });
    expect(view.buildings[0]).toMatchObject({
      number: '1',
      status: 'done',
      calledAt: T0.toISOString(),
      doneAt: minutes(12).toISOString(),
      stairwells: 2,
      stairwellsDone: 2,
      walkIns: 4,
    });
    expect(view.progress).toEqual({ buildings: 3, done: 1, called: 0, skipped: 0, walkIns: 4 });
    expect(view.minutesPerBuilding).toBe(12);
    const mine = await as(residents[0]!).healthRounds.testing({ communityId: c.id, roundId });
    expect(mine.mine!.standing).toEqual({ state: 'done' });
    expect(mine.progress.walkIns).toBeNull();
    // Building 3 now waits for one queued building at 12 minutes each.
    const last = await as(residents[2]!).healthRounds.testing({ communityId: c.id, roundId });
    expect(last.mine!.standing).toEqual({ state: 'waiting', ahead: 1, waitMinutes: 12 });

    clock = minutes(30);
    const again = await as(p.admin).healthRounds.recall({
      communityId: c.id,
      roundId,
      buildingId: c.buildings[0]!.id,
    });
    expect(again.notified).toBe(1);
    expect(await told(c.id, [residents[0]!.id])).toHaveLength(2);

    // A closed session takes no more calls or marks.
    await as(p.admin).healthRounds.closeRound({ communityId: c.id, roundId });
    expect(await refusal(as(p.admin).healthRounds.callNext({ communityId: c.id, roundId }))).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'ROUND_NOT_OPEN',
    });
  });
});

describe('the door-to-door list', () => {
  it('comes from the care registry, by stairwell, within the volunteer’s stairwells, with check-off', async () => {
    const { c, p } = await scene();
    const h0 = c.households[0]!; // stairwell 0 (the volunteer's)
    const h3 = c.households.find((h) => h.stairwellId === c.stairwells[1]!.id)!;
    await database.db.insert(careProfiles).values([
      { communityId: c.id, householdId: h0.id, categories: ['elderly_alone'], notes: '独居，听力不好' },
      { communityId: c.id, householdId: h3.id, categories: ['disability'] },
      { communityId: c.id, householdId: c.households[1]!.id, categories: ['infant'] },
    ]);
    const { roundId } = await as(p.admin).healthRounds.openTesting({ communityId: c.id });
    const all = await as(p.admin).healthRounds.homeVisits({ communityId: c.id, roundId });
    expect(all.map((v) => v.householdId)).toEqual([h0.id, h3.id]);
    expect(JSON.stringify(all)).not.toContain('听力');
    const mine = await as(p.volunteer).healthRounds.homeVisits({ communityId: c.id, roundId });
    expect(mine).toEqual([
      expect.objectContaining({ householdId: h0.id, categories: ['elderly_alone'], doneAt: null }),
    ]);
    await as(p.volunteer).healthRounds.checkHomeVisit({ communityId: c.id, roundId, householdId: h0.id });
    await as(p.volunteer).healthRounds.checkHomeVisit({ communityId: c.id, roundId, householdId: h0.id });
    expect(
      (await as(p.volunteer).healthRounds.homeVisits({ communityId: c.id, roundId }))[0]!.doneAt,
    ).not.toBeNull();
    expect(
      await refusal(
        as(p.volunteer).healthRounds.checkHomeVisit({ communityId: c.id, roundId, householdId: h3.id }),
      ),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'HOUSEHOLD_NOT_FOUND' });
    const siteHelper = await makeUser(database.db);
    await addMember(database.db, c.id, siteHelper, 'volunteer');
    await assignStairwell(database.db, c.id, siteHelper, c.stairwells[1]!.id);
    expect(await as(siteHelper).healthRounds.homeVisits({ communityId: c.id, roundId })).toHaveLength(1);
    expect(
      await refusal(as(p.resident).healthRounds.homeVisits({ communityId: c.id, roundId })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
