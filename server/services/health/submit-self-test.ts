import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import {
  buildings,
  households,
  selfTestFollowUps,
  selfTestHouseholdReports,
  selfTestReports,
  stairwells,
} from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound, preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { safeText } from '@/server/services/shared/zod';
import { publishHealth } from './events';
import { coordinatorIds, id, iso, loadRound, myStairwellIds, parseInput, rolesIn } from './internal';
import { isEditable, selfTestProblems, type SelfTestProblem } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

const count = z
  .number({ error: '请填写人数 / Enter a number' })
  .int({ error: '人数必须是整数 / Must be a whole number' })
  .min(0, { error: '人数不能为负 / Cannot be negative' })
  .max(100_000);

export const SubmitSelfTestInput = z.object({
  communityId: id,
  roundId: id,
  stairwellId: id,
  actual: count,
  negative: count,
  abnormal: count,
  invalid: count,
  reason: safeText({ max: 200 }).default(''),
});
export type SubmitSelfTestInput = z.input<typeof SubmitSelfTestInput>;

const MESSAGES: Record<SelfTestProblem['code'], string> = {
  COUNT_NOT_WHOLE: '人数必须是 0 或正整数 / Counts must be whole numbers.',
  RESULTS_EXCEED_ACTUAL:
    '阴性 + 异常 + 无效 不能超过实际人数 / Negative + abnormal + invalid cannot exceed the people present.',
  ACTUAL_EXCEEDS_ROSTER:
    '实际人数超出登记人数太多，请核对 / More people than the roster allows; please check.',
  REASON_REQUIRED: '实际人数与登记人数不同，请写明原因 / Say why the number present differs from the roster.',
};

export const STAIRWELL_NOT_FOUND = () =>
  notFound('STAIRWELL_NOT_FOUND', '找不到该楼道 / Stairwell not found.');

/**
 * A stairwell's leader or volunteer (or a coordinator) fills the stairwell's row of the self-test
 * form, or corrects it, until the deadline. Every version is audited; a row with 异常 opens (or
 * updates) the coordinators' follow-up, with the household when one reported its own result.
 */
export async function submitSelfTest({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(SubmitSelfTestInput, raw);
  const { communityId, roundId, stairwellId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  const userId = me.ctx.user.id;
  if (!me.coordinator && !(await myStairwellIds(ctx.db, communityId, userId)).has(stairwellId))
    throw STAIRWELL_NOT_FOUND();
  const now = ctx.now();

  const row = await inTransaction(ctx.db, async (tx) => {
    // FOR SHARE: many stairwells submit at once, but a close waits for them (and they for it).
    const round = await loadRound(tx, communityId, roundId, 'self_test', 'share');
    if (!isEditable(round, now))
      throw preconditionFailed(
        'ROUND_DEADLINE_PASSED',
        '已过填报截止时间，不能再修改 / The deadline has passed; the row can no longer be changed.',
      );
    const place = await stairwellPlace(tx, communityId, stairwellId);
    const problems = selfTestProblems(input, place.registered, input.reason);
    if (problems.length) {
      const p = problems[0]!;
      throw badRequest(p.code, MESSAGES[p.code], {
        field: p.code === 'COUNT_NOT_WHOLE' ? p.field : p.code === 'REASON_REQUIRED' ? 'reason' : 'actual',
        details: {
          registered: place.registered,
          ...(p.code === 'ACTUAL_EXCEEDS_ROSTER' ? { max: p.max } : {}),
        },
      });
    }
    const [before] = await tx
      .select()
      .from(selfTestReports)
      .where(
        and(
          eq(selfTestReports.communityId, communityId),
          eq(selfTestReports.roundId, roundId),
          eq(selfTestReports.stairwellId, stairwellId),
        ),
      );
    const values = {
      actual: input.actual,
      negative: input.negative,
      abnormal: input.abnormal,
      invalid: input.invalid,
      reason: input.actual === place.registered ? '' : input.reason,
      submittedBy: userId,
      submittedAt: now,
    };
    const [saved] = await tx
      .insert(selfTestReports)
      .values({ communityId, roundId, stairwellId, ...values })
      .onConflictDoUpdate({
        target: [selfTestReports.communityId, selfTestReports.roundId, selfTestReports.stairwellId],
        set: { ...values, revision: sql`${selfTestReports.revision} + 1`, updatedAt: now },
      })
      .returning();
    await writeAudit(tx, {
      communityId,
      actorUserId: userId,
      action: before ? 'self_test.edit' : 'self_test.submit',
      entityType: 'self_test_report',
      entityId: saved!.id,
      before: before ? countsOf(before) : null,
      after: { ...countsOf(saved!), roundId, stairwellId, submittedAt: iso(now) },
    });
    await followUp(tx, {
      communityId,
      roundId,
      stairwellId,
      abnormal: input.abnormal,
      now,
      label: place.label,
    });
    return { ...saved!, registered: place.registered };
  });
  await publishHealth(ctx, communityId, { kind: 'self_test', roundId });
  return row;
}

function countsOf(r: typeof selfTestReports.$inferSelect) {
  return {
    actual: r.actual,
    negative: r.negative,
    abnormal: r.abnormal,
    invalid: r.invalid,
    reason: r.reason,
  };
}

async function stairwellPlace(tx: Tx, communityId: string, stairwellId: string) {
  const [place] = await tx
    .select({
      building: buildings.number,
      stairwell: stairwells.number,
      registered: sql<number>`coalesce((select sum(h.headcount) from ${households} h where h.community_id = ${stairwells.communityId} and h.stairwell_id = ${stairwells.id}), 0)::int`,
    })
    .from(stairwells)
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(and(eq(stairwells.communityId, communityId), eq(stairwells.id, stairwellId)));
  if (!place) throw STAIRWELL_NOT_FOUND();
  return { registered: Number(place.registered), label: `${place.building}-${place.stairwell}` };
}

/** 异常 → the coordinators' follow-up (one per stairwell and round); back to 0 → an open one goes. */
async function followUp(
  tx: Tx,
  a: {
    communityId: string;
    roundId: string;
    stairwellId: string;
    abnormal: number;
    now: Date;
    label: string;
  },
) {
  const key = and(
    eq(selfTestFollowUps.communityId, a.communityId),
    eq(selfTestFollowUps.roundId, a.roundId),
    eq(selfTestFollowUps.stairwellId, a.stairwellId),
  );
  if (a.abnormal === 0) {
    await tx.delete(selfTestFollowUps).where(and(key, isNull(selfTestFollowUps.resolvedAt)));
    return;
  }
  const [known] = await tx
    .select({ householdId: selfTestHouseholdReports.householdId })
    .from(selfTestHouseholdReports)
    .where(
      and(
        eq(selfTestHouseholdReports.communityId, a.communityId),
        eq(selfTestHouseholdReports.roundId, a.roundId),
        eq(selfTestHouseholdReports.stairwellId, a.stairwellId),
        gt(selfTestHouseholdReports.abnormal, 0),
      ),
    )
    .orderBy(desc(selfTestHouseholdReports.reportedAt))
    .limit(1);
  const [existing] = await tx.select().from(selfTestFollowUps).where(key);
  if (existing && existing.abnormal === a.abnormal && existing.householdId === (known?.householdId ?? null))
    return;
  await tx
    .insert(selfTestFollowUps)
    .values({
      communityId: a.communityId,
      roundId: a.roundId,
      stairwellId: a.stairwellId,
      abnormal: a.abnormal,
      householdId: known?.householdId ?? null,
    })
    .onConflictDoUpdate({
      target: [selfTestFollowUps.communityId, selfTestFollowUps.roundId, selfTestFollowUps.stairwellId],
      set: {
        abnormal: a.abnormal,
        householdId: known?.householdId ?? null,
        resolvedAt: null,
        resolvedBy: null,
        updatedAt: a.now,
      },
    });
  // Only the coordinators hear of an anomaly (DESIGN.md §8).
  await notifyUsers(
    tx,
    (await coordinatorIds(tx, a.communityId)).map((userId) => ({
      communityId: a.communityId,
      userId,
      kind: 'self_test.abnormal',
      payload: {
        roundId: a.roundId,
        stairwell: a.label,
        abnormal: a.abnormal,
        href: `/c/${a.communityId}/health/${a.roundId}`,
      },
    })),
  );
}
