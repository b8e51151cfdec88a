import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { buildings, households, memberships, stairwells, users } from '@/db/schema';
import { phonesInTable, type RosterSnapshot } from './rules';
import type { Table } from './roster-file';

/** What the import validator needs to know about the roster as it stands, for this file's phones. */
export async function loadImportSnapshot(
  db: DbOrTx,
  communityId: string,
  table: Table,
): Promise<RosterSnapshot> {
  const c = communityId;
  const [bs, ss, hs, rs] = await Promise.all([
    db
      .select({ id: buildings.id, number: buildings.number, routeOrder: buildings.routeOrder })
      .from(buildings)
      .where(eq(buildings.communityId, c)),
    db
      .select({
        id: stairwells.id,
        buildingId: stairwells.buildingId,
        number: stairwells.number,
        routeOrder: stairwells.routeOrder,
      })
      .from(stairwells)
      .where(eq(stairwells.communityId, c)),
    db
      .select({
        id: households.id,
        stairwellId: households.stairwellId,
        floor: households.floor,
        room: households.room,
        headcount: households.headcount,
      })
      .from(households)
      .where(eq(households.communityId, c)),
    db
      .select({
        userId: memberships.userId,
        householdId: memberships.householdId,
        name: users.name,
        phone: users.phone,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.communityId, c), eq(memberships.role, 'resident'))),
  ]);
  const usersByPhone = new Map<string, { id: string; name: string }>();
  const phones = phonesInTable(table);
  if (phones.length > 0) {
    // One text parameter rather than thousands of bind parameters (E.164 never holds a comma).
    const found = await db
      .select({ id: users.id, name: users.name, phone: users.phone })
      .from(users)
      .where(sql`${users.phone} = any(string_to_array(${phones.join(',')}, ','))`);
    for (const u of found) usersByPhone.set(u.phone!, { id: u.id, name: u.name });
  }
  return {
    buildings: bs,
    stairwells: ss,
    households: hs,
    residents: rs.map((r) => ({
      userId: r.userId,
      householdId: r.householdId!,
      name: r.name,
      phone: r.phone,
    })),
    usersByPhone,
  };
}
