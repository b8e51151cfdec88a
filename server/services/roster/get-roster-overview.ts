import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { buildings, stairwells } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';

export const GetRosterOverviewInput = z.object({ communityId: CommunityId });
export type GetRosterOverviewInput = z.infer<typeof GetRosterOverviewInput>;

type StairwellSummary = {
  id: string;
  number: string;
  routeOrder: number;
  households: number;
  people: number;
  residents: number;
  careHouseholds: number;
  leaders: number;
  volunteers: number;
};
type BuildingSummary = {
  id: string;
  number: string;
  routeOrder: number;
  households: number;
  people: number;
  stairwells: StairwellSummary[];
};
type RosterOverview = {
  buildings: BuildingSummary[];
  totals: {
    buildings: number;
    stairwells: number;
    households: number;
    people: number;
    residents: number;
    careHouseholds: number;
  };
};

type CountRow = { stairwell_id: string; n: number; people: number };

/** Buildings → stairwells in route order, with how many households, people, residents and carers each has. */
export async function getRosterOverview({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetRosterOverviewInput;
}): Promise<RosterOverview> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const db = authed.db;
  const [bs, ss, hh, rs, care, team] = await Promise.all([
    db
      .select({ id: buildings.id, number: buildings.number, routeOrder: buildings.routeOrder })
      .from(buildings)
      .where(eq(buildings.communityId, c))
      .orderBy(asc(buildings.routeOrder), asc(buildings.number)),
    db
      .select({
        id: stairwells.id,
        buildingId: stairwells.buildingId,
        number: stairwells.number,
        routeOrder: stairwells.routeOrder,
      })
      .from(stairwells)
      .where(eq(stairwells.communityId, c))
      .orderBy(asc(stairwells.routeOrder), asc(stairwells.number)),
    queryRows<CountRow>(
      db,
      sql`select stairwell_id, count(*)::int as n, coalesce(sum(headcount), 0)::int as people
      from households where community_id = ${c} group by stairwell_id`,
    ),
    queryRows<CountRow>(
      db,
      sql`select h.stairwell_id, count(*)::int as n, 0 as people
      from memberships m join households h on h.community_id = m.community_id and h.id = m.household_id
      where m.community_id = ${c} and m.role = 'resident' group by h.stairwell_id`,
    ),
    queryRows<CountRow>(
      db,
      sql`select h.stairwell_id, count(*)::int as n, 0 as people
      from care_profiles p join households h on h.community_id = p.community_id and h.id = p.household_id
      where p.community_id = ${c} group by h.stairwell_id`,
    ),
    queryRows<{ stairwell_id: string; leaders: number; volunteers: number }>(
      db,
      sql`select stairwell_id,
      count(*) filter (where role = 'leader')::int as leaders, count(*) filter (where role = 'volunteer')::int as volunteers
      from stairwell_assignments where community_id = ${c} group by stairwell_id`,
    ),
  ]);
  const by = <T extends { stairwell_id: string }>(rows: T[]) => new Map(rows.map((r) => [r.stairwell_id, r]));
  const hhBy = by(hh);
  const rsBy = by(rs);
  const careBy = by(care);
  const teamBy = by(team);
  const out: BuildingSummary[] = bs.map((b) => ({ ...b, households: 0, people: 0, stairwells: [] }));
  const byId = new Map(out.map((b) => [b.id, b]));
  for (const s of ss) {
    const b = byId.get(s.buildingId);
    if (!b) continue;
    const summary: StairwellSummary = {
      id: s.id,
      number: s.number,
      routeOrder: s.routeOrder,
      households: Number(hhBy.get(s.id)?.n ?? 0),
      people: Number(hhBy.get(s.id)?.people ?? 0),
      residents: Number(rsBy.get(s.id)?.n ?? 0),
      careHouseholds: Number(careBy.get(s.id)?.n ?? 0),
      leaders: Number(teamBy.get(s.id)?.leaders ?? 0),
      volunteers: Number(teamBy.get(s.id)?.volunteers ?? 0),
    };
    b.stairwells.push(summary);
    b.households += summary.households;
    b.people += summary.people;
  }
  const all = out.flatMap((b) => b.stairwells);
  return {
    buildings: out,
    totals: {
      buildings: out.length,
      stairwells: all.length,
      households: all.reduce((a, s) => a + s.households, 0),
      people: all.reduce((a, s) => a + s.people, 0),
      residents: all.reduce((a, s) => a + s.residents, 0),
      careHouseholds: all.reduce((a, s) => a + s.careHouseholds, 0),
    },
  };
}
