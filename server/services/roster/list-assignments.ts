import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { buildings, stairwells } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { stairwellCoverage, type StairwellCoverage } from './rules';
import { stairwellTeams, type TeamMemberView } from './views';

export const ListAssignmentsInput = z.object({ communityId: CommunityId });
export type ListAssignmentsInput = z.infer<typeof ListAssignmentsInput>;

export type StairwellAssignmentRow = {
  id: string;
  number: string;
  buildingNumber: string;
  routeOrder: number;
  households: number;
  team: TeamMemberView[];
  coverage: StairwellCoverage;
};
type AssignmentBoard = {
  stairwells: StairwellAssignmentRow[];
  summary: { stairwells: number; complete: number; withoutLeader: number; withoutVolunteer: number };
};

/** 一楼一组: every stairwell with its leader and volunteers, and which ones are not yet covered. */
export async function listAssignments({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListAssignmentsInput;
}): Promise<AssignmentBoard> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const ss = await authed.db
    .select({
      id: stairwells.id,
      number: stairwells.number,
      buildingNumber: buildings.number,
      routeOrder: stairwells.routeOrder,
    })
    .from(stairwells)
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(eq(stairwells.communityId, c))
    .orderBy(asc(stairwells.routeOrder), asc(buildings.number), asc(stairwells.number));
  const counts = await queryRows<{ stairwell_id: string; n: number }>(
    authed.db,
    sql`select stairwell_id, count(*)::int as n from households where community_id = ${c} group by stairwell_id`,
  );
  const countBy = new Map(counts.map((r) => [r.stairwell_id, Number(r.n)]));
  const teams = await stairwellTeams(
    authed.db,
    c,
    ss.map((s) => s.id),
    true,
  );
  const rows = ss.map((s) => {
    const team = teams.get(s.id) ?? [];
    return {
      ...s,
      households: countBy.get(s.id) ?? 0,
      team,
      coverage: stairwellCoverage(team.map((t) => t.role)),
    };
  });
  return {
    stairwells: rows,
    summary: {
      stairwells: rows.length,
      complete: rows.filter((r) => r.coverage.complete).length,
      withoutLeader: rows.filter((r) => !r.coverage.hasLeader).length,
      withoutVolunteer: rows.filter((r) => r.coverage.volunteers === 0).length,
    },
  };
}
