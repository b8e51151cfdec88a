import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, loadRound, parseInput, rolesIn } from './internal';
import { isEditable, totalsOf } from './rules';

export const GetSelfTestBoardInput = z.object({ communityId: id, roundId: id });
export type GetSelfTestBoardInput = z.infer<typeof GetSelfTestBoardInput>;

type Row = {
  stairwell_id: string;
  building: string;
  stairwell: string;
  route_order: number;
  registered: number;
  leader_name: string | null;
  leader_phone: string | null;
  actual: number | null;
  negative: number | null;
  abnormal: number | null;
  invalid: number | null;
  reason: string | null;
  submitted_by: string | null;
  submitted_at: string | Date | null;
  revision: number | null;
};

/**
 * The committee's table (coordinators only): one row per stairwell with its figures, those with
 * 异常 first, then the missing ones (with their leader, for a reminder), then the rest in route
 * order; the totals; and the open follow-ups with the household when known.
 */
export async function getSelfTestBoard({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(GetSelfTestBoardInput, raw);
  const { communityId, roundId } = input;
  await rolesIn(ctx, communityId, ['admin', 'owner']);
  const round = await loadRound(ctx.db, communityId, roundId, 'self_test');
  const rows = await queryRows<Row>(
    ctx.db,
    sql`select s.id as stairwell_id, b.number as building, s.number as stairwell, s.route_order,
               coalesce((select sum(h.headcount) from households h
                          where h.community_id = s.community_id and h.stairwell_id = s.id), 0)::int as registered,
               lu.name as leader_name, lu.phone as leader_phone,
               r.actual, r.negative, r.abnormal, r.invalid, r.reason, su.name as submitted_by,
               r.submitted_at, r.revision
          from stairwells s
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          left join stairwell_assignments la on la.community_id = s.community_id and la.stairwell_id = s.id and la.role = 'leader'
          left join users lu on lu.id = la.user_id
          left join self_test_reports r on r.community_id = s.community_id and r.stairwell_id = s.id and r.round_id = ${roundId}
          left join users su on su.id = r.submitted_by
         where s.community_id = ${communityId}
         order by s.route_order`,
  );
  const stairwells = rows.map((r) => ({
    stairwellId: r.stairwell_id,
    label: `${r.building}-${r.stairwell}`,
    registered: Number(r.registered),
    leaderName: r.leader_name,
    leaderPhone: r.leader_phone,
    submitted: r.actual !== null,
    actual: r.actual,
    negative: r.negative,
    abnormal: r.abnormal,
    invalid: r.invalid,
    reason: r.reason,
    submittedBy: r.submitted_by,
    submittedAt: iso(r.submitted_at),
    revision: r.revision,
  }));
  const rank = (s: (typeof stairwells)[number]) => ((s.abnormal ?? 0) > 0 ? 0 : s.submitted ? 2 : 1);
  stairwells.sort((a, b) => rank(a) - rank(b));
  const submitted = stairwells.filter((s) => s.submitted);
  const followUps = await queryRows<{
    id: string;
    stairwell_id: string;
    building: string;
    stairwell: string;
    room: string | null;
    abnormal: number;
    resolved_at: string | Date | null;
    note: string;
  }>(
    ctx.db,
    sql`select f.id, f.stairwell_id, b.number as building, s.number as stairwell, h.room, f.abnormal, f.resolved_at, f.note
          from self_test_follow_ups f
          join stairwells s on s.community_id = f.community_id and s.id = f.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          left join households h on h.community_id = f.community_id and h.id = f.household_id
         where f.community_id = ${communityId} and f.round_id = ${roundId}
         order by f.resolved_at nulls first, s.route_order`,
  );
  return {
    round: {
      id: round.id,
      title: round.title,
      status: round.status,
      openedAt: iso(round.openedAt)!,
      deadlineAt: iso(round.deadlineAt),
      editable: isEditable(round, ctx.now()),
    },
    stairwells,
    submittedCount: submitted.length,
    missingCount: stairwells.length - submitted.length,
    totals: totalsOf(
      submitted.map((s) => ({
        actual: s.actual!,
        negative: s.negative!,
        abnormal: s.abnormal!,
        invalid: s.invalid!,
      })),
    ),
    followUps: followUps.map((f) => ({
      id: f.id,
      stairwellId: f.stairwell_id,
      label: `${f.building}-${f.stairwell}`,
      room: f.room,
      abnormal: Number(f.abnormal),
      resolvedAt: iso(f.resolved_at),
      note: f.note,
    })),
  };
}
