import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { households, selfTestFollowUps, selfTestHouseholdReports } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { publishHealth } from './events';
import { id, loadRound, parseInput, rolesIn } from './internal';
import { isEditable } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

const count = z.number().int({ error: '人数必须是整数 / Must be a whole number' }).min(0).max(50);

export const ReportHouseholdSelfTestInput = z.object({
  communityId: id,
  roundId: id,
  negative: count,
  abnormal: count,
  invalid: count,
});
export type ReportHouseholdSelfTestInput = z.infer<typeof ReportHouseholdSelfTestInput>;

/**
 * A resident reports the household's own results (instead of a photo in the stairwell group); the
 * leader's form starts from the stairwell's sum. Editable until the deadline like the rows.
 */
export async function reportHouseholdSelfTest({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ReportHouseholdSelfTestInput, raw);
  const { communityId, roundId } = input;
  const me = await rolesIn(ctx, communityId, ['resident']);
  const householdId = me.householdIds[0]!;
  if (input.negative + input.abnormal + input.invalid === 0)
    throw badRequest('RESULTS_EMPTY', '请至少填写一人的结果 / Enter at least one result.', {
      field: 'negative',
    });
  const now = ctx.now();
  const saved = await inTransaction(ctx.db, async (tx) => {
    const round = await loadRound(tx, communityId, roundId, 'self_test', 'share');
    if (!isEditable(round, now))
      throw preconditionFailed('ROUND_DEADLINE_PASSED', '已过填报截止时间 / The deadline has passed.');
    const [hh] = await tx
      .select({ stairwellId: households.stairwellId, headcount: households.headcount })
      .from(households)
      .where(and(eq(households.communityId, communityId), eq(households.id, householdId)));
    if (input.negative + input.abnormal + input.invalid > hh!.headcount + 2)
      throw badRequest(
        'RESULTS_EXCEED_HOUSEHOLD',
        '人数超过本户登记人数 / More results than people in the household.',
        {
          field: 'negative',
        },
      );
    const values = {
      negative: input.negative,
      abnormal: input.abnormal,
      invalid: input.invalid,
      reportedBy: me.ctx.user.id,
      reportedAt: now,
    };
    const [row] = await tx
      .insert(selfTestHouseholdReports)
      .values({ communityId, roundId, householdId, stairwellId: hh!.stairwellId, ...values })
      .onConflictDoUpdate({
        target: [
          selfTestHouseholdReports.communityId,
          selfTestHouseholdReports.roundId,
          selfTestHouseholdReports.householdId,
        ],
        set: values,
      })
      .returning();
    if (input.abnormal > 0) {
      // The stairwell already reported 异常 without knowing whose: now the coordinators know.
      await tx
        .update(selfTestFollowUps)
        .set({ householdId, updatedAt: now })
        .where(
          and(
            eq(selfTestFollowUps.communityId, communityId),
            eq(selfTestFollowUps.roundId, roundId),
            eq(selfTestFollowUps.stairwellId, hh!.stairwellId),
            isNull(selfTestFollowUps.householdId),
          ),
        );
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: 'self_test.household_report',
      entityType: 'self_test_household_report',
      entityId: row!.id,
      after: {
        roundId,
        householdId,
        negative: row!.negative,
        abnormal: row!.abnormal,
        invalid: row!.invalid,
      },
    });
    return row!;
  });
  await publishHealth(ctx, communityId, { kind: 'self_test', roundId });
  return {
    negative: saved.negative,
    abnormal: saved.abnormal,
    invalid: saved.invalid,
    reportedAt: saved.reportedAt,
  };
}
