/**
 * Every procedure of the health-rounds router refuses anonymous callers, the wrong role and
 * members of another compound; with their own compound's id and our ids, the other compound reads
 * NOT_FOUND (out of scope is not found, DESIGN.md §6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { healthRoundsRouter } from '@/server/api/routers/health-rounds';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, type TestCommunity } from '@/tests/helpers/fixtures';
import { refusal } from '@/tests/helpers/health';

let database: Database;
let c: TestCommunity;
let other: TestCommunity;
let people: Awaited<ReturnType<typeof makeRoleUsers>>;
let theirs: Awaited<ReturnType<typeof makeRoleUsers>>;
let selfTestId: string;
let testingId: string;

const as = (user: SessionUser | null) => callerFor(database, user);
type Caller = ReturnType<typeof as>;

beforeAll(async () => {
  database = await createTestDatabase();
  c = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 2 });
  other = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
  });
  people = await makeRoleUsers(database.db, c);
  theirs = await makeRoleUsers(database.db, other);
  selfTestId = (await as(people.admin).healthRounds.openSelfTest({ communityId: c.id })).roundId;
  testingId = (await as(people.admin).healthRounds.openTesting({ communityId: c.id })).roundId;
});
afterAll(async () => {
  await database?.close();
});

type Role = 'coordinator' | 'volunteer' | 'resident' | 'member';
/** name, role needed, the call for a compound (ours, or theirs with our ids). */
const calls: [string, Role, (r: Caller, communityId: string) => Promise<unknown>][] = [
  ['rounds', 'member', (r, cid) => r.healthRounds.rounds({ communityId: cid })],
  [
    'closeRound',
    'coordinator',
    (r, cid) => r.healthRounds.closeRound({ communityId: cid, roundId: selfTestId }),
  ],
  ['openSelfTest', 'coordinator', (r, cid) => r.healthRounds.openSelfTest({ communityId: cid })],
  [
    'selfTestBoard',
    'coordinator',
    (r, cid) => r.healthRounds.selfTestBoard({ communityId: cid, roundId: selfTestId }),
  ],
  ['myForms', 'volunteer', (r, cid) => r.healthRounds.myForms({ communityId: cid, roundId: selfTestId })],
  [
    'submitSelfTest',
    'volunteer',
    (r, cid) =>
      r.healthRounds.submitSelfTest({
        communityId: cid,
        roundId: selfTestId,
        stairwellId: c.stairwells[0]!.id,
        actual: 4,
        negative: 4,
        abnormal: 0,
        invalid: 0,
      }),
  ],
  [
    'reportHousehold',
    'resident',
    (r, cid) =>
      r.healthRounds.reportHousehold({
        communityId: cid,
        roundId: selfTestId,
        negative: 1,
        abnormal: 0,
        invalid: 0,
      }),
  ],
  [
    'remind',
    'coordinator',
    (r, cid) =>
      r.healthRounds.remind({ communityId: cid, roundId: selfTestId, stairwellId: c.stairwells[0]!.id }),
  ],
  [
    'resolveFollowUp',
    'coordinator',
    (r, cid) => r.healthRounds.resolveFollowUp({ communityId: cid, followUpId: c.households[0]!.id }),
  ],
  [
    'stairwellHistory',
    'volunteer',
    (r, cid) => r.healthRounds.stairwellHistory({ communityId: cid, stairwellId: c.stairwells[0]!.id }),
  ],
  [
    'openTesting',
    'coordinator',
    (r, cid) => r.healthRounds.openTesting({ communityId: cid, buildingIds: [c.buildings[0]!.id] }),
  ],
  ['callNext', 'coordinator', (r, cid) => r.healthRounds.callNext({ communityId: cid, roundId: testingId })],
  [
    'recall',
    'coordinator',
    (r, cid) =>
      r.healthRounds.recall({ communityId: cid, roundId: testingId, buildingId: c.buildings[0]!.id }),
  ],
  [
    'skip',
    'coordinator',
    (r, cid) => r.healthRounds.skip({ communityId: cid, roundId: testingId, buildingId: c.buildings[0]!.id }),
  ],
  ['testing', 'member', (r, cid) => r.healthRounds.testing({ communityId: cid, roundId: testingId })],
  [
    'markStairwell',
    'volunteer',
    (r, cid) =>
      r.healthRounds.markStairwell({
        communityId: cid,
        roundId: testingId,
        stairwellId: c.stairwells[0]!.id,
      }),
  ],
  [
    'homeVisits',
    'volunteer',
    (r, cid) => r.healthRounds.homeVisits({ communityId: cid, roundId: testingId }),
  ],
  [
    'checkHomeVisit',
    'volunteer',
    (r, cid) =>
      r.healthRounds.checkHomeVisit({
        communityId: cid,
        roundId: testingId,
        householdId: c.households[0]!.id,
      }),
  ],
  ['myGateCode', 'resident', (r, cid) => r.healthRounds.myGateCode({ communityId: cid })],
  [
    'gateCodes',
    'coordinator',
    (r, cid) => r.healthRounds.gateCodes({ communityId: cid, buildingId: c.buildings[0]!.id }),
  ],
  ['gateDuties', 'coordinator', (r, cid) => r.healthRounds.gateDuties({ communityId: cid })],
  [
    'assignGateDuty',
    'coordinator',
    (r, cid) =>
      r.healthRounds.assignGateDuty({
        communityId: cid,
        userId: people.volunteer.id,
        startsAt: new Date(),
        endsAt: new Date(Date.now() + 3600_000),
      }),
  ],
  [
    'endGateDuty',
    'coordinator',
    (r, cid) => r.healthRounds.endGateDuty({ communityId: cid, dutyId: c.households[0]!.id }),
  ],
  ['gateRegister', 'volunteer', (r, cid) => r.healthRounds.gateRegister({ communityId: cid })],
  [
    'registerGate',
    'volunteer',
    (r, cid) => r.healthRounds.registerGate({ communityId: cid, code: 'ABCDEF', direction: 'out' }),
  ],
  ['changes', 'member', (r, cid) => r.healthRounds.changes({ communityId: cid, kinds: ['self_test'] })],
];

/** What another compound gets when it uses its own compound id with our ids. */
const notFoundAcross = new Set([
  'closeRound',
  'selfTestBoard',
  'myForms',
  'submitSelfTest',
  'remind',
  'resolveFollowUp',
  'stairwellHistory',
  'callNext',
  'recall',
  'skip',
  'testing',
  'markStairwell',
  'homeVisits',
  'checkHomeVisit',
  'endGateDuty',
  'assignGateDuty',
  'registerGate',
]);

describe('health-rounds refusals', () => {
  it.each(calls)('%s: UNAUTHORIZED for anonymous callers', async (_name, _role, call) => {
    expect(await refusal(call(as(null), c.id))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it.each(calls)(
    '%s: FORBIDDEN for the wrong role and for another compound’s coordinators',
    async (_n, role, call) => {
      const wrong =
        role === 'coordinator'
          ? [people.volunteer, people.resident]
          : role === 'volunteer'
            ? [people.resident]
            : role === 'resident'
              ? [people.admin, people.volunteer]
              : [];
      for (const user of [...wrong, people.outsider, theirs.owner]) {
        expect(await refusal(call(as(user), c.id))).toMatchObject({ code: 'FORBIDDEN' });
      }
    },
  );

  it.each(calls.filter(([n]) => notFoundAcross.has(n)))(
    '%s: NOT_FOUND for another compound using its own id with ours',
    async (_n, _role, call) => {
      expect(await refusal(call(as(theirs.owner), other.id))).toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it('covers every procedure of the router', () => {
    expect(calls.map(([n]) => n).sort()).toEqual(Object.keys(healthRoundsRouter._def.procedures).sort());
  });
});
