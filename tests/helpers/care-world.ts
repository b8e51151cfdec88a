/**
 * A small compound for the care-team tests (notices, needs, tasks): 3 buildings × 2 stairwells ×
 * 4 households; the usual role users (the volunteer leads stairwell 0), a second volunteer who
 * serves stairwell 1, a volunteer with no stairwell, residents in stairwell 0 and 1, and a second
 * compound with its own coordinator and resident (for refusals across compounds).
 */
import { expect } from 'vitest';
import type { TRPCError } from '@trpc/server';
import type { Database } from '@/db/client';
import { careProfiles } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { ServiceError } from '@/server/services/shared/errors';
import { callerFor } from './context';
import { addMember, assignStairwell, makeCommunity, makeRoleUsers, makeUser } from './fixtures';

export async function makeCareWorld(database: Database, now?: () => Date) {
  const db = database.db;
  const c = await makeCommunity(db, { buildings: 3, stairwellsPerBuilding: 2, householdsPerStairwell: 4 });
  const people = await makeRoleUsers(db, c);
  const s0 = c.stairwells[0]!;
  const s1 = c.stairwells[1]!;
  const inS0 = c.households.filter((h) => h.stairwellId === s0.id);
  const inS1 = c.households.filter((h) => h.stairwellId === s1.id);
  const volunteer2 = await makeUser(db, { name: '陈志愿' });
  await addMember(db, c.id, volunteer2, 'volunteer');
  await assignStairwell(db, c.id, volunteer2, s1.id, 'volunteer');
  const floater = await makeUser(db, { name: '赵自由' });
  await addMember(db, c.id, floater, 'volunteer');
  // Residents of stairwell 0: people.resident lives in inS0[0]; one more per household, two in inS0[1].
  const residents: SessionUser[] = [people.resident];
  for (const [i, h] of inS0.entries()) {
    if (i === 0) continue;
    const r = await makeUser(db, { name: `居民${i}` });
    await addMember(db, c.id, r, 'resident', h.id);
    residents.push(r);
  }
  const spouse = await makeUser(db, { name: '居民1的老伴' });
  await addMember(db, c.id, spouse, 'resident', inS0[1]!.id);
  const residentS1 = await makeUser(db, { name: '刘阿姨' });
  await addMember(db, c.id, residentS1, 'resident', inS1[0]!.id);
  // The last household of stairwell 0 is on the care registry (an elderly person living alone).
  await db
    .insert(careProfiles)
    .values({ communityId: c.id, householdId: inS0[3]!.id, categories: ['elderly_alone'] });

  const other = await makeCommunity(db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
  });
  const otherAdmin = await makeUser(db, { name: '外小区协调员' });
  await addMember(db, other.id, otherAdmin, 'admin');
  const otherResident = await makeUser(db, { name: '外小区居民' });
  await addMember(db, other.id, otherResident, 'resident', other.households[0]!.id);

  const as = (user: SessionUser | null) => callerFor(database, user, now);
  return {
    c,
    s0,
    s1,
    inS0,
    inS1,
    people,
    volunteer2,
    floater,
    residents,
    spouse,
    residentS1,
    other,
    otherAdmin,
    otherResident,
    as,
  };
}
export type CareWorld = Awaited<ReturnType<typeof makeCareWorld>>;

/** Rejects with this tRPC code and, when given, this stable service code. */
export async function rejectsWith(p: Promise<unknown>, code: string, appCode?: string) {
  const e = await p.then(
    () => expect.fail(`expected ${code} ${appCode ?? ''}`),
    (err: unknown) => err as TRPCError,
  );
  expect(e.code).toBe(code);
  if (appCode) {
    expect(e.cause).toBeInstanceOf(ServiceError);
    expect((e.cause as ServiceError).code).toBe(appCode);
  }
}
