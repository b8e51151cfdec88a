import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, myStairwellIds, parseInput, rolesIn } from './internal';
import { STAIRWELL_NOT_FOUND } from './submit-self-test';

export const GetStairwellHistoryInput = z.object({ communityId: id, stairwellId: id });
export type GetStairwellHistoryInput = z.infer<typeof GetStairwellHistoryInput>;

/** One stairwell's rows across the self-test rounds (newest first); missing rounds show as missing. */
export async function getStairwellHistory({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(GetStairwellHistoryInput, raw);
  const { communityId, stairwellId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  if (!me.coordinator && !(await myStairwellIds(ctx.db, communityId, me.ctx.user.id)).has(stairwellId))
    throw STAIRWELL_NOT_FOUND();
  const [place] = await queryRows<{ building: string; stairwell: string }>(
    ctx.db,
    sql`select b.number as building, s.number as stairwell from stairwells s
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
         where s.community_id = ${communityId} and s.id = ${stairwellId}`,
  );
  if (!place) throw STAIRWELL_NOT_FOUND();
  const rows = await queryRows<{
    round_id: string;
    title: string;
    opened_at: string | Date;
    actual: number | null;
    negative: number | null;
    abnormal: number | null;
    invalid: number | null;
    submitted_by: string | null;
    submitted_at: string | Date | null;
  }>(
    ctx.db,
    sql`select hr.id as round_id, hr.title, hr.opened_at, r.actual, r.negative, r.abnormal, r.invalid,
               u.name as submitted_by, r.submitted_at
          from health_rounds hr
          left join self_test_reports r on r.community_id = hr.community_id and r.round_id = hr.id and r.stairwell_id = ${stairwellId}
          left join users u on u.id = r.submitted_by
         where hr.community_id = ${communityId} and hr.kind = 'self_test'
         order by hr.opened_at desc
         limit 60`,
  );
  return {
    label: `${place.building}-${place.stairwell}`,
    rounds: rows.map((r) => ({
      roundId: r.round_id,
      title: r.title,
      openedAt: iso(r.opened_at)!,
      submitted: r.actual !== null,
      actual: r.actual,
      negative: r.negative,
      abnormal: r.abnormal,
      invalid: r.invalid,
      submittedBy: r.submitted_by,
      submittedAt: iso(r.submitted_at),
    })),
  };
}
