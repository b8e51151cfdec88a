import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, loadRound, parseInput, rolesIn } from './internal';
import { actualMargin, isEditable } from './rules';

export const ListMySelfTestFormsInput = z.object({ communityId: id, roundId: id });
export type ListMySelfTestFormsInput = z.infer<typeof ListMySelfTestFormsInput>;

/**
 * A leader's or volunteer's rows of the round: their stairwells, each with the roster's head count
 * (the default 实际人数), what households reported themselves (the form's starting figures) and
 * the row as submitted so far. Coordinators get every stairwell.
 */
export async function listMySelfTestForms({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ListMySelfTestFormsInput, raw);
  const { communityId, roundId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  const round = await loadRound(ctx.db, communityId, roundId, 'self_test');
  const scope = me.coordinator
    ? sql`true`
    : sql`exists (select 1 from stairwell_assignments a where a.community_id = s.community_id
                   and a.stairwell_id = s.id and a.user_id = ${me.ctx.user.id})`;
  const rows = await queryRows<{
    stairwell_id: string;
    building: string;
    stairwell: string;
    registered: number;
    hh_reports: number;
    hh_negative: number;
    hh_abnormal: number;
    hh_invalid: number;
    actual: number | null;
    negative: number | null;
    abnormal: number | null;
    invalid: number | null;
    reason: string | null;
    submitted_at: string | Date | null;
  }>(
    ctx.db,
    sql`select s.id as stairwell_id, b.number as building, s.number as stairwell,
               coalesce((select sum(h.headcount) from households h
                          where h.community_id = s.community_id and h.stairwell_id = s.id), 0)::int as registered,
               count(hr.id)::int as hh_reports,
               coalesce(sum(hr.negative), 0)::int as hh_negative,
               coalesce(sum(hr.abnormal), 0)::int as hh_abnormal,
               coalesce(sum(hr.invalid), 0)::int as hh_invalid,
               r.actual, r.negative, r.abnormal, r.invalid, r.reason, r.submitted_at
          from stairwells s
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          left join self_test_household_reports hr
            on hr.community_id = s.community_id and hr.stairwell_id = s.id and hr.round_id = ${roundId}
          left join self_test_reports r
            on r.community_id = s.community_id and r.stairwell_id = s.id and r.round_id = ${roundId}
         where s.community_id = ${communityId} and ${scope}
         group by s.community_id, s.id, b.community_id, b.id, r.community_id, r.id
         order by s.route_order`,
  );
  return {
    round: {
      id: round.id,
      title: round.title,
      status: round.status,
      deadlineAt: iso(round.deadlineAt),
      editable: isEditable(round, ctx.now()),
    },
    stairwells: rows.map((r) => ({
      stairwellId: r.stairwell_id,
      label: `${r.building}-${r.stairwell}`,
      registered: Number(r.registered),
      maxActual: Number(r.registered) + actualMargin(Number(r.registered)),
      fromHouseholds: {
        households: Number(r.hh_reports),
        negative: Number(r.hh_negative),
        abnormal: Number(r.hh_abnormal),
        invalid: Number(r.hh_invalid),
      },
      report:
        r.actual === null
          ? null
          : {
              actual: r.actual,
              negative: r.negative!,
              abnormal: r.abnormal!,
              invalid: r.invalid!,
              reason: r.reason ?? '',
              submittedAt: iso(r.submitted_at)!,
            },
    })),
  };
}
