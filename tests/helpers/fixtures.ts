/**
 * Small, explicit builders for test data. Each returns what it created so a test can assert on it.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import {
  buildings,
  communities,
  households,
  memberships,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';

let phoneCounter = 0;
/** A unique, valid mainland mobile number in E.164. */
export function nextPhone(): string {
  phoneCounter += 1;
  const n = (Date.now() % 1_000_000) * 100 + (process.pid % 100);
  return `+86139${String((n + phoneCounter * 7919) % 100_000_000).padStart(8, '0')}`;
}

export type TestCommunity = {
  id: string;
  buildings: { id: string; number: string }[];
  stairwells: {
    id: string;
    buildingId: string;
    buildingNumber: string;
    number: string;
    routeOrder: number;
  }[];
  households: { id: string; stairwellId: string; floor: number; room: string }[];
};

/**
 * A compound with `buildings × stairwellsPerBuilding` stairwells and `householdsPerStairwell`
 * households in each (rooms 101, 102, 201, 202, …).
 */
export async function makeCommunity(
  db: Db,
  opts: {
    buildings?: number;
    stairwellsPerBuilding?: number;
    householdsPerStairwell?: number;
    name?: string;
  } = {},
): Promise<TestCommunity> {
  const nb = opts.buildings ?? 2;
  const ns = opts.stairwellsPerBuilding ?? 2;
  const nh = opts.householdsPerStairwell ?? 4;
  const slug = `test-${randomUUID().slice(0, 8)}`;
  const [c] = await db
    .insert(communities)
    .values({ slug, name: opts.name ?? `测试小区 ${slug}`, district: '金山区朱泾镇' })
    .returning();
  const communityId = c!.id;
  const result: TestCommunity = { id: communityId, buildings: [], stairwells: [], households: [] };
  let route = 0;
  for (let b = 1; b <= nb; b++) {
    const [bld] = await db
      .insert(buildings)
      .values({ communityId, number: String(b), routeOrder: b })
      .returning();
    result.buildings.push({ id: bld!.id, number: String(b) });
    for (let s = 1; s <= ns; s++) {
      route += 1;
      const [sw] = await db
        .insert(stairwells)
        .values({ communityId, buildingId: bld!.id, number: String(s), routeOrder: route })
        .returning();
      result.stairwells.push({
        id: sw!.id,
        buildingId: bld!.id,
        buildingNumber: String(b),
        number: String(s),
        routeOrder: route,
      });
      const rows = Array.from({ length: nh }, (_, i) => {
        const floor = Math.floor(i / 2) + 1;
        return { communityId, stairwellId: sw!.id, floor, room: `${floor}0${(i % 2) + 1}`, headcount: 2 };
      });
      const hs = await db.insert(households).values(rows).returning();
      for (const h of hs)
        result.households.push({ id: h.id, stairwellId: h.stairwellId, floor: h.floor, room: h.room });
    }
  }
  return result;
}

export async function makeUser(
  db: Db,
  opts: { name?: string; phone?: string | null } = {},
): Promise<SessionUser> {
  const [u] = await db
    .insert(users)
    .values({ name: opts.name ?? '测试用户', phone: opts.phone === undefined ? nextPhone() : opts.phone })
    .returning();
  return { id: u!.id, phone: u!.phone, name: u!.name };
}

export async function addMember(
  db: Db,
  communityId: string,
  user: SessionUser,
  role: 'resident' | 'volunteer' | 'admin' | 'owner',
  householdId?: string,
) {
  await db
    .insert(memberships)
    .values({ communityId, userId: user.id, role, householdId: householdId ?? null });
}

export async function assignStairwell(
  db: Db,
  communityId: string,
  user: SessionUser,
  stairwellId: string,
  role: 'leader' | 'volunteer' = 'volunteer',
) {
  await db.insert(stairwellAssignments).values({ communityId, stairwellId, userId: user.id, role });
}

/** One user per role in a community: owner, admin, a volunteer on stairwell 0, a resident of household 0. */
export async function makeRoleUsers(db: Db, c: TestCommunity) {
  const owner = await makeUser(db, { name: '何红霞' });
  await addMember(db, c.id, owner, 'owner');
  const admin = await makeUser(db, { name: '孙钦' });
  await addMember(db, c.id, admin, 'admin');
  const volunteer = await makeUser(db, { name: '王志愿' });
  await addMember(db, c.id, volunteer, 'volunteer');
  await assignStairwell(db, c.id, volunteer, c.stairwells[0]!.id, 'leader');
  const resident = await makeUser(db, { name: '张居民' });
  await addMember(db, c.id, resident, 'resident', c.households[0]!.id);
  const outsider = await makeUser(db, { name: '李路人' });
  return { owner, admin, volunteer, resident, outsider };
}
