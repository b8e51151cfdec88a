import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { auditLog, careProfiles, users } from '@/db/schema';
import type { TRPCError } from '@trpc/server';
import type { SessionUser } from '@/server/services/shared/context';
import { ServiceError } from '@/server/services/shared/errors';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import {
  addMember,
  assignStairwell,
  makeCommunity,
  makeRoleUsers,
  makeUser,
  type TestCommunity,
} from '@/tests/helpers/fixtures';

let database: Database;
let c: TestCommunity;
let people: Awaited<ReturnType<typeof makeRoleUsers>>;
/** A volunteer of stairwell 1 (not stairwell 0). */
let otherVolunteer: SessionUser;
/** A resident of the first household of stairwell 1. */
let otherResident: SessionUser;

const as = (user: SessionUser | null) => callerFor(database, user);

/** Rejects with this tRPC code and this stable service code (what the UI translates). */
async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  appCode: string,
  extra: { field?: string; details?: Record<string, unknown> } = {},
) {
  const e = await p.then(
    () => expect.fail(`expected ${code} ${appCode}`),
    (err: unknown) => err as TRPCError,
  );
  expect(e.code).toBe(code);
  expect(e.cause).toBeInstanceOf(ServiceError);
  const cause = e.cause as ServiceError;
  expect(cause.code).toBe(appCode);
  if (extra.field) expect(cause.field).toBe(extra.field);
  if (extra.details) expect(cause.details).toMatchObject(extra.details);
}

beforeAll(async () => {
  database = await createTestDatabase();
  c = await makeCommunity(database.db, { buildings: 3, stairwellsPerBuilding: 2, householdsPerStairwell: 4 });
  people = await makeRoleUsers(database.db, c);
  otherVolunteer = await makeUser(database.db, { name: '陈志愿' });
  await addMember(database.db, c.id, otherVolunteer, 'volunteer');
  await assignStairwell(database.db, c.id, otherVolunteer, c.stairwells[1]!.id, 'leader');
  otherResident = await makeUser(database.db, { name: '刘阿姨' });
  await addMember(
    database.db,
    c.id,
    otherResident,
    'resident',
    c.households.find((h) => h.stairwellId === c.stairwells[1]!.id)!.id,
  );
});
afterAll(async () => {
  await database.close();
});

async function auditCount(action: string): Promise<number> {
  return database.db.$count(auditLog, and(eq(auditLog.communityId, c.id), eq(auditLog.action, action)));
}

describe('roster search', () => {
  it('finds household 1-1-201 by address, in any of the usual spellings', async () => {
    for (const query of ['1-1-201', '1号楼1单元201室', '1/1/201']) {
      const r = await as(people.admin).roster.search({ communityId: c.id, query });
      expect(r.households.map((h) => `${h.buildingNumber}-${h.stairwellNumber}-${h.room}`)).toEqual([
        '1-1-201',
      ]);
    }
    const building = await as(people.admin).roster.search({ communityId: c.id, query: '2' });
    expect(building.households).toHaveLength(8);
    expect(new Set(building.households.map((h) => h.buildingNumber))).toEqual(new Set(['2']));
  });

  it('finds a household by resident name or phone, and shows phones to coordinators', async () => {
    const byName = await as(people.owner).roster.search({ communityId: c.id, query: '刘阿' });
    expect(byName.households).toHaveLength(1);
    expect(byName.households[0]!.residents[0]).toMatchObject({ name: '刘阿姨', phone: otherResident.phone });
    const national = otherResident.phone!.replace('+86', '');
    const byPhone = await as(people.admin).roster.search({ communityId: c.id, query: national });
    expect(byPhone.households.map((h) => h.id)).toEqual([byName.households[0]!.id]);
    const byTail = await as(people.admin).roster.search({ communityId: c.id, query: national.slice(-6) });
    expect(byTail.households.map((h) => h.id)).toContain(byName.households[0]!.id);
    // Wildcards in the query are text, not patterns.
    expect((await as(people.admin).roster.search({ communityId: c.id, query: '%' })).households).toEqual([]);
  });

  it('gives the overview of buildings → stairwells with counts', async () => {
    const o = await as(people.admin).roster.overview({ communityId: c.id });
    expect(o.totals).toMatchObject({ buildings: 3, stairwells: 6, households: 24, people: 48, residents: 2 });
    expect(o.buildings.map((b) => b.number)).toEqual(['1', '2', '3']);
    expect(o.buildings[0]!.stairwells[0]).toMatchObject({
      households: 4,
      residents: 1,
      leaders: 1,
      volunteers: 0,
    });
  });

  it('is for coordinators only', async () => {
    await expect(
      as(people.volunteer).roster.search({ communityId: c.id, query: '1-1-201' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      as(people.resident).roster.search({ communityId: c.id, query: '1-1-201' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).roster.search({ communityId: c.id, query: '1-1-201' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('buildings, stairwells and households', () => {
  it('creates a building at the end of the route and refuses a second one with the same number', async () => {
    const before = await auditCount('building.create');
    const b = await as(people.admin).roster.createBuilding({ communityId: c.id, number: '4号楼' });
    expect(b).toMatchObject({ number: '4', routeOrder: 4 });
    expect(await auditCount('building.create')).toBe(before + 1);
    await rejectsWith(
      as(people.admin).roster.createBuilding({ communityId: c.id, number: '4' }),
      'CONFLICT',
      'BUILDING_EXISTS',
    );
  });

  it('slots a new stairwell right after its building in the route, and moves stairwells', async () => {
    const s = await as(people.admin).roster.createStairwell({
      communityId: c.id,
      buildingId: c.buildings[0]!.id,
      number: '3',
    });
    expect(s.routeOrder).toBe(3); // after 1-1 and 1-2, before building 2
    const board = await as(people.admin).roster.assignments({ communityId: c.id });
    expect(board.stairwells.map((x) => `${x.buildingNumber}-${x.number}`)).toEqual([
      '1-1',
      '1-2',
      '1-3',
      '2-1',
      '2-2',
      '3-1',
      '3-2',
    ]);
    await as(people.admin).roster.updateStairwell({ communityId: c.id, stairwellId: s.id, routeOrder: 1 });
    const moved = await as(people.admin).roster.assignments({ communityId: c.id });
    expect(moved.stairwells.map((x) => `${x.buildingNumber}-${x.number}`)).toEqual([
      '1-3',
      '1-1',
      '1-2',
      '2-1',
      '2-2',
      '3-1',
      '3-2',
    ]);
    expect(moved.stairwells.map((x) => x.routeOrder)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await rejectsWith(
      as(people.admin).roster.createStairwell({
        communityId: c.id,
        buildingId: c.buildings[0]!.id,
        number: '3单元',
      }),
      'CONFLICT',
      'STAIRWELL_EXISTS',
    );
  });

  it('creates and corrects households; the floor follows the room number', async () => {
    const h = await as(people.admin).roster.createHousehold({
      communityId: c.id,
      stairwellId: c.stairwells[0]!.id,
      room: '501室',
      headcount: 2,
    });
    expect(h).toMatchObject({ room: '501', floor: 5, headcount: 2 });
    await rejectsWith(
      as(people.admin).roster.createHousehold({
        communityId: c.id,
        stairwellId: c.stairwells[0]!.id,
        room: '501',
        headcount: 1,
      }),
      'CONFLICT',
      'ROOM_EXISTS',
    );
    const fixed = await as(people.owner).roster.updateHousehold({
      communityId: c.id,
      householdId: h.id,
      headcount: 4,
    });
    expect(fixed).toMatchObject({ room: '501', floor: 5, headcount: 4 });
    await rejectsWith(
      as(people.admin).roster.createHousehold({
        communityId: c.id,
        stairwellId: c.stairwells[0]!.id,
        room: 'B',
        headcount: 1,
      }),
      'BAD_REQUEST',
      'INVALID_FLOOR',
    );
    await rejectsWith(
      as(people.admin).roster.updateHousehold({
        communityId: c.id,
        householdId: c.households[0]!.id,
        room: '102',
      }),
      'CONFLICT',
      'ROOM_EXISTS',
    );
  });
});

describe('residents of a household', () => {
  it('adds a resident by phone (E.164), keeps an existing user’s name, and refuses a second household', async () => {
    const household = c.households[2]!;
    const added = await as(people.admin).roster.addResident({
      communityId: c.id,
      householdId: household.id,
      phone: '137 0013 7001',
      name: '孙大爷',
    });
    expect(added).toMatchObject({ created: true, person: { name: '孙大爷', phone: '+8613700137001' } });
    const again = await as(people.admin).roster.addResident({
      communityId: c.id,
      householdId: household.id,
      phone: '+8613700137001',
      name: '孙老',
    });
    expect(again).toMatchObject({ created: false, person: { name: '孙大爷' } });
    await rejectsWith(
      as(people.admin).roster.addResident({
        communityId: c.id,
        householdId: c.households[3]!.id,
        phone: '13700137001',
      }),
      'CONFLICT',
      'RESIDENT_IN_OTHER_HOUSEHOLD',
    );
    await rejectsWith(
      as(people.admin).roster.addResident({
        communityId: c.id,
        householdId: household.id,
        phone: '1370013700',
      }),
      'BAD_REQUEST',
      'INVALID_PHONE',
      { field: 'phone' },
    );
    // Someone without a phone of their own (no smartphone): by name only.
    const noPhone = await as(people.admin).roster.addResident({
      communityId: c.id,
      householdId: household.id,
      name: '孙奶奶',
    });
    expect(noPhone.person.phone).toBeNull();
    const detail = await as(people.admin).roster.household({ communityId: c.id, householdId: household.id });
    expect(detail.household.residents.map((r) => r.name)).toEqual(['孙大爷', '孙奶奶']);

    await as(people.admin).roster.removeResident({
      communityId: c.id,
      householdId: household.id,
      userId: noPhone.person.id,
    });
    const after = await as(people.admin).roster.household({ communityId: c.id, householdId: household.id });
    expect(after.household.residents.map((r) => r.name)).toEqual(['孙大爷']);
    expect(await auditCount('household.resident_remove')).toBe(1);
    await expect(
      as(people.admin).roster.removeResident({
        communityId: c.id,
        householdId: household.id,
        userId: noPhone.person.id,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('needs a name for someone new', async () => {
    await rejectsWith(
      as(people.admin).roster.addResident({
        communityId: c.id,
        householdId: c.households[4]!.id,
        phone: '13700137002',
      }),
      'BAD_REQUEST',
      'NAME_REQUIRED',
      { field: 'name' },
    );
    expect(await database.db.$count(users, eq(users.phone, '+8613700137002'))).toBe(0);
  });
});

describe('memberships', () => {
  it('lets coordinators take on volunteers and only the owner appoint admins', async () => {
    const v = await as(people.admin).roster.grantMembership({
      communityId: c.id,
      phone: '13700137010',
      name: '志愿者甲',
      role: 'volunteer',
    });
    expect(v).toMatchObject({ alreadyHad: false, role: 'volunteer' });
    expect(
      await as(people.admin).roster.grantMembership({
        communityId: c.id,
        phone: '13700137010',
        role: 'volunteer',
      }),
    ).toMatchObject({
      alreadyHad: true,
    });
    await rejectsWith(
      as(people.admin).roster.grantMembership({ communityId: c.id, phone: '13700137010', role: 'admin' }),
      'FORBIDDEN',
      'OWNER_ONLY',
    );
    await as(people.owner).roster.grantMembership({ communityId: c.id, phone: '13700137010', role: 'admin' });
    const team = await as(people.owner).roster.members({ communityId: c.id });
    expect(team.find((m) => m.userId === v.person.id)?.roles.sort()).toEqual(['admin', 'volunteer']);
    expect(team[0]!.roles).toContain('owner');
    await expect(
      as(people.admin).roster.revokeMembership({ communityId: c.id, userId: v.person.id, role: 'admin' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await as(people.owner).roster.revokeMembership({ communityId: c.id, userId: v.person.id, role: 'admin' });
  });

  it('never leaves the compound without an owner', async () => {
    await rejectsWith(
      as(people.owner).roster.revokeMembership({ communityId: c.id, userId: people.owner.id, role: 'owner' }),
      'PRECONDITION_FAILED',
      'LAST_OWNER',
    );
  });

  it('takes a volunteer who leaves the team off their stairwells too', async () => {
    const p = await as(people.admin).roster.grantMembership({
      communityId: c.id,
      phone: '13700137011',
      name: '志愿者乙',
      role: 'volunteer',
    });
    await as(people.admin).roster.assignStairwell({
      communityId: c.id,
      stairwellId: c.stairwells[3]!.id,
      userId: p.person.id,
      role: 'volunteer',
    });
    const r = await as(people.admin).roster.revokeMembership({
      communityId: c.id,
      userId: p.person.id,
      role: 'volunteer',
    });
    expect(r.stairwellsLeft).toBe(1);
    const board = await as(people.admin).roster.assignments({ communityId: c.id });
    expect(board.stairwells.find((s) => s.id === c.stairwells[3]!.id)!.team).toEqual([]);
  });
});

describe('stairwell assignments (一楼一组)', () => {
  it('shows which stairwells lack a leader or a volunteer', async () => {
    const board = await as(people.admin).roster.assignments({ communityId: c.id });
    const s0 = board.stairwells.find((s) => s.id === c.stairwells[0]!.id)!;
    expect(s0.coverage).toEqual({ hasLeader: true, volunteers: 0, complete: false });
    expect(s0.team[0]).toMatchObject({ name: '王志愿', role: 'leader', phone: people.volunteer.phone });
    expect(board.summary.complete).toBe(0);
    expect(board.summary.withoutLeader).toBe(board.summary.stairwells - 2);
  });

  it('assigns by phone, making a newcomer a volunteer, and keeps one leader per stairwell', async () => {
    const s = c.stairwells[0]!.id;
    const r = await as(people.admin).roster.assignStairwell({
      communityId: c.id,
      stairwellId: s,
      phone: '13700137020',
      name: '黄志愿',
      role: 'volunteer',
    });
    expect(r).toMatchObject({ joinedTeam: true, changed: true });
    const board = await as(people.admin).roster.assignments({ communityId: c.id });
    expect(board.stairwells.find((x) => x.id === s)!.coverage.complete).toBe(true);
    await rejectsWith(
      as(people.admin).roster.assignStairwell({
        communityId: c.id,
        stairwellId: s,
        phone: '13700137020',
        role: 'leader',
      }),
      'CONFLICT',
      'STAIRWELL_HAS_LEADER',
      { details: { leader: '王志愿' } },
    );
    // The newcomer now sees the stairwell on their volunteer home.
    const newcomer = { id: r.person.id, name: r.person.name, phone: r.person.phone };
    const mine = await as(newcomer).roster.myStairwells({ communityId: c.id });
    expect(mine.map((x) => x.id)).toEqual([s]);

    const leader = board.stairwells.find((x) => x.id === s)!.team.find((t) => t.role === 'leader')!;
    await as(people.admin).roster.unassignStairwell({ communityId: c.id, assignmentId: leader.assignmentId });
    await as(people.admin).roster.assignStairwell({
      communityId: c.id,
      stairwellId: s,
      userId: newcomer.id,
      role: 'leader',
    });
    const after = await as(people.admin).roster.assignments({ communityId: c.id });
    const team = after.stairwells.find((x) => x.id === s)!.team;
    expect(team.map((t) => [t.name, t.role])).toEqual([['黄志愿', 'leader']]);
    // Put things back for the visibility tests below.
    await as(people.admin).roster.assignStairwell({
      communityId: c.id,
      stairwellId: s,
      userId: people.volunteer.id,
      role: 'volunteer',
    });
    expect(await auditCount('stairwell.assign')).toBeGreaterThanOrEqual(3);
    expect(await auditCount('stairwell.unassign')).toBe(1);
  });
});

describe('care profiles: visible only to coordinators and the stairwell’s own volunteers', () => {
  let careHousehold: string;
  beforeAll(async () => {
    careHousehold = c.households[1]!.id; // stairwell 0, where `people.volunteer` serves
    await as(people.admin).roster.addResident({
      communityId: c.id,
      householdId: careHousehold,
      phone: '13700137030',
      name: '钱老伯',
    });
    await as(people.admin).roster.saveCareProfile({
      communityId: c.id,
      householdId: careHousehold,
      categories: ['elderly_alone', 'no_smartphone'],
      notes: '糖尿病，敲门声音要大',
      doorDelivery: true,
    });
  });

  it('coordinator: yes', async () => {
    const r = await as(people.admin).roster.careProfile({ communityId: c.id, householdId: careHousehold });
    expect(r.care).toMatchObject({
      categories: ['elderly_alone', 'no_smartphone'],
      notes: '糖尿病，敲门声音要大',
      doorDelivery: true,
    });
  });

  it('volunteer of that stairwell: yes, with names but no phones', async () => {
    const r = await as(people.volunteer).roster.careProfile({
      communityId: c.id,
      householdId: careHousehold,
    });
    expect(r.care?.notes).toBe('糖尿病，敲门声音要大');
    expect(r.household.residents).toEqual([expect.objectContaining({ name: '钱老伯', phone: null })]);
    const home = await as(people.volunteer).roster.myStairwells({ communityId: c.id });
    const h = home.flatMap((s) => s.households).find((x) => x.id === careHousehold)!;
    expect(h.care?.categories).toEqual(['elderly_alone', 'no_smartphone']);
    expect(h.residents.every((p) => p.phone === null)).toBe(true);
    const registry = await as(people.volunteer).roster.careProfiles({ communityId: c.id });
    expect(registry.households.map((x) => x.id)).toEqual([careHousehold]);
  });

  it('volunteer of another stairwell: NOT_FOUND, and not in their registry', async () => {
    await expect(
      as(otherVolunteer).roster.careProfile({ communityId: c.id, householdId: careHousehold }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      as(otherVolunteer).roster.household({ communityId: c.id, householdId: careHousehold }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await as(otherVolunteer).roster.careProfiles({ communityId: c.id })).households).toEqual([]);
    await expect(
      as(otherVolunteer).roster.stairwellHouseholds({ communityId: c.id, stairwellId: c.stairwells[0]!.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('resident: FORBIDDEN, even of the household itself', async () => {
    const self = await makeUser(database.db, { name: '钱家女儿' });
    await addMember(database.db, c.id, self, 'resident', careHousehold);
    await expect(
      as(self).roster.careProfile({ communityId: c.id, householdId: careHousehold }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(people.resident).roster.careProfiles({ communityId: c.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const own = await as(self).roster.household({ communityId: c.id, householdId: careHousehold });
    expect(own.household.care).toBeUndefined();
    expect(JSON.stringify(own)).not.toContain('糖尿病');
  });

  it('anonymous: UNAUTHORIZED; outsider: FORBIDDEN', async () => {
    await expect(
      as(null).roster.careProfile({ communityId: c.id, householdId: careHousehold }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(
      as(people.outsider).roster.careProfile({ communityId: c.id, householdId: careHousehold }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('filters the registry by category, counts each, and audits without copying the notes', async () => {
    await as(people.owner).roster.saveCareProfile({
      communityId: c.id,
      householdId: c.households[10]!.id,
      categories: ['infant'],
    });
    const all = await as(people.admin).roster.careProfiles({ communityId: c.id });
    expect(all.total).toBe(2);
    expect(all.counts).toMatchObject({ elderly_alone: 1, no_smartphone: 1, infant: 1, disability: 0 });
    const infants = await as(people.admin).roster.careProfiles({ communityId: c.id, category: 'infant' });
    expect(infants.households.map((h) => h.id)).toEqual([c.households[10]!.id]);
    const audits = await queryRows<{ after: unknown }>(
      database.db,
      sql`select after from audit_log where community_id = ${c.id} and action = 'care_profile.save'`,
    );
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain('糖尿病');
    await expect(
      as(people.admin).roster.saveCareProfile({
        communityId: c.id,
        householdId: c.households[10]!.id,
        categories: [],
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await as(people.admin).roster.deleteCareProfile({ communityId: c.id, householdId: c.households[10]!.id });
    expect(await database.db.$count(careProfiles, eq(careProfiles.communityId, c.id))).toBe(1);
  });
});

describe('what residents see', () => {
  it('my household: members, headcount, my own phone, the stairwell team by name', async () => {
    const mine = await as(people.resident).roster.myHousehold({ communityId: c.id });
    expect(mine.household).toMatchObject({
      id: c.households[0]!.id,
      headcount: 2,
      buildingNumber: '1',
      stairwellNumber: '1',
      room: '101',
    });
    expect(mine.household.residents).toEqual([
      expect.objectContaining({ name: '张居民', phone: people.resident.phone }),
    ]);
    expect(mine.household.care).toBeUndefined();
    expect(mine.team.map((t) => t.role)).toContain('leader');
    expect(JSON.stringify(mine.team)).not.toContain('+86');
  });

  it('cannot read another household, nor its phone', async () => {
    const other = c.households.find((h) => h.stairwellId === c.stairwells[1]!.id)!;
    await expect(
      as(people.resident).roster.household({ communityId: c.id, householdId: other.id }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // Even a fellow member's phone inside one's own household stays hidden.
    const partner = await makeUser(database.db, { name: '张太太' });
    await addMember(database.db, c.id, partner, 'resident', c.households[0]!.id);
    const mine = await as(people.resident).roster.household({
      communityId: c.id,
      householdId: c.households[0]!.id,
    });
    expect(mine.household.residents.find((r) => r.userId === partner.id)).toMatchObject({
      phone: null,
      hasPhone: true,
    });
    expect(JSON.stringify(mine)).not.toContain(partner.phone!);
  });

  it('a volunteer who is not a resident has no household page', async () => {
    await expect(as(people.volunteer).roster.myHousehold({ communityId: c.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('every roster procedure refuses anonymous callers and the wrong role', () => {
  const sw = () => c.stairwells[0]!.id;
  const hh = () => c.households[0]!.id;
  const uid = '00000000-0000-4000-8000-000000000000';
  type Caller = ReturnType<typeof as>;
  const calls: [
    string,
    'coordinator' | 'volunteer' | 'resident' | 'member',
    (r: Caller) => Promise<unknown>,
  ][] = [
    ['search', 'coordinator', (r) => r.roster.search({ communityId: c.id, query: '1-1-101' })],
    ['overview', 'coordinator', (r) => r.roster.overview({ communityId: c.id })],
    ['assignments', 'coordinator', (r) => r.roster.assignments({ communityId: c.id })],
    ['members', 'coordinator', (r) => r.roster.members({ communityId: c.id })],
    ['createBuilding', 'coordinator', (r) => r.roster.createBuilding({ communityId: c.id, number: '99' })],
    [
      'updateBuilding',
      'coordinator',
      (r) => r.roster.updateBuilding({ communityId: c.id, buildingId: c.buildings[0]!.id, number: '1' }),
    ],
    [
      'createStairwell',
      'coordinator',
      (r) => r.roster.createStairwell({ communityId: c.id, buildingId: c.buildings[0]!.id, number: '9' }),
    ],
    [
      'updateStairwell',
      'coordinator',
      (r) => r.roster.updateStairwell({ communityId: c.id, stairwellId: sw(), number: '1' }),
    ],
    [
      'createHousehold',
      'coordinator',
      (r) => r.roster.createHousehold({ communityId: c.id, stairwellId: sw(), room: '901', headcount: 1 }),
    ],
    [
      'updateHousehold',
      'coordinator',
      (r) => r.roster.updateHousehold({ communityId: c.id, householdId: hh(), headcount: 9 }),
    ],
    [
      'addResident',
      'coordinator',
      (r) => r.roster.addResident({ communityId: c.id, householdId: hh(), phone: '13700137099', name: 'x' }),
    ],
    [
      'removeResident',
      'coordinator',
      (r) => r.roster.removeResident({ communityId: c.id, householdId: hh(), userId: uid }),
    ],
    [
      'grantMembership',
      'coordinator',
      (r) =>
        r.roster.grantMembership({ communityId: c.id, phone: '13700137098', name: 'x', role: 'volunteer' }),
    ],
    [
      'revokeMembership',
      'coordinator',
      (r) => r.roster.revokeMembership({ communityId: c.id, userId: uid, role: 'volunteer' }),
    ],
    [
      'assignStairwell',
      'coordinator',
      (r) =>
        r.roster.assignStairwell({
          communityId: c.id,
          stairwellId: sw(),
          phone: '13700137097',
          name: 'x',
          role: 'volunteer',
        }),
    ],
    [
      'unassignStairwell',
      'coordinator',
      (r) => r.roster.unassignStairwell({ communityId: c.id, assignmentId: uid }),
    ],
    [
      'saveCareProfile',
      'coordinator',
      (r) => r.roster.saveCareProfile({ communityId: c.id, householdId: hh(), categories: ['other'] }),
    ],
    [
      'deleteCareProfile',
      'coordinator',
      (r) => r.roster.deleteCareProfile({ communityId: c.id, householdId: hh() }),
    ],
    [
      'previewImport',
      'coordinator',
      (r) => r.roster.previewImport({ communityId: c.id, fileName: 'a.csv', fileBase64: 'YQ==' }),
    ],
    [
      'commitImport',
      'coordinator',
      (r) => r.roster.commitImport({ communityId: c.id, fileName: 'a.csv', fileBase64: 'YQ==' }),
    ],
    [
      'stairwellHouseholds',
      'volunteer',
      (r) => r.roster.stairwellHouseholds({ communityId: c.id, stairwellId: sw() }),
    ],
    ['myStairwells', 'volunteer', (r) => r.roster.myStairwells({ communityId: c.id })],
    ['careProfiles', 'volunteer', (r) => r.roster.careProfiles({ communityId: c.id })],
    ['careProfile', 'volunteer', (r) => r.roster.careProfile({ communityId: c.id, householdId: hh() })],
    ['myHousehold', 'resident', (r) => r.roster.myHousehold({ communityId: c.id })],
    ['household', 'member', (r) => r.roster.household({ communityId: c.id, householdId: hh() })],
  ];

  it.each(calls)('%s: UNAUTHORIZED for anonymous callers', async (_name, _role, call) => {
    await expect(call(as(null))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it.each(calls)('%s: FORBIDDEN for the wrong role', async (_name, role, call) => {
    const wrong =
      role === 'coordinator'
        ? [people.volunteer, people.resident]
        : role === 'volunteer'
          ? [people.resident]
          : role === 'resident'
            ? [people.admin]
            : [];
    for (const user of [...wrong, people.outsider]) {
      await expect(call(as(user))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('covers every procedure of the roster router', async () => {
    const { rosterRouter } = await import('@/server/api/routers/roster');
    expect(calls.map(([n]) => n).sort()).toEqual(Object.keys(rosterRouter._def.procedures).sort());
  });
});
