/**
 * The 抗原自测 tally (issue 14 §1) on a real database (PGlite, or PostgreSQL when DATABASE_URL is
 * set): the form's validation, 135 stairwells at the deadline, edits after it, anomalies for the
 * coordinators only, and the export in the form's own columns.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, notifications } from '@/db/schema';
import { selfTestExportResponse } from '@/server/export/self-test';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, assignStairwell, makeCommunity, makeRoleUsers, makeUser } from '@/tests/helpers/fixtures';
import { makeLeaders, refusal } from '@/tests/helpers/health';

let database: Database;
const T0 = new Date('2022-04-20T00:00:00Z'); // 08:00 in Shanghai
let clock = T0;
const now = () => clock;
const as = (user: SessionUser | null) => callerFor(database, user, now);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function scene() {
  clock = T0;
  // 1 building, 2 stairwells of 4 households of 2 people: 8 registered per stairwell.
  const c = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 2,
    householdsPerStairwell: 4,
  });
  const p = await makeRoleUsers(database.db, c);
  const other = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
  const otherPeople = await makeRoleUsers(database.db, other);
  const { roundId } = await as(p.admin).healthRounds.openSelfTest({
    communityId: c.id,
    deadlineMinutes: 120,
  });
  const row = (over: Record<string, unknown> = {}) => ({
    communityId: c.id,
    roundId,
    stairwellId: c.stairwells[0]!.id,
    actual: 8,
    negative: 8,
    abnormal: 0,
    invalid: 0,
    ...over,
  });
  return { c, p, other, otherPeople, roundId, row };
}

describe('a stairwell row', () => {
  it('holds the form’s rules: whole numbers, results ≤ present, present ≤ roster + margin, a reason when it differs', async () => {
    const { c, p, roundId, row } = await scene();
    const v = as(p.volunteer).healthRounds;
    expect(await refusal(v.submitSelfTest(row({ actual: 7.5 })))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(v.submitSelfTest(row({ negative: -1 })))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(v.submitSelfTest(row({ negative: 6, abnormal: 2, invalid: 1 })))).toEqual({
      code: 'BAD_REQUEST',
      appCode: 'RESULTS_EXCEED_ACTUAL',
    });
    // 8 registered: the margin is 2, so 11 is too many even with a reason, 10 is fine with one.
    expect(await refusal(v.submitSelfTest(row({ actual: 11, negative: 11, reason: '亲戚' })))).toEqual({
      code: 'BAD_REQUEST',
      appCode: 'ACTUAL_EXCEEDS_ROSTER',
    });
    expect(await refusal(v.submitSelfTest(row({ actual: 7, negative: 7 })))).toEqual({
      code: 'BAD_REQUEST',
      appCode: 'REASON_REQUIRED',
    });
    const first = await v.submitSelfTest(row({ actual: 10, negative: 10, reason: '两位亲戚暂住' }));
    expect(first).toMatchObject({ actual: 10, revision: 1, registered: 8, reason: '两位亲戚暂住' });
    // Editable until the deadline; every version is audited.
    clock = new Date(T0.getTime() + 60 * 60_000);
    const second = await v.submitSelfTest(row({ actual: 8, negative: 7, invalid: 1 }));
    expect(second).toMatchObject({ actual: 8, negative: 7, invalid: 1, revision: 2, reason: '' });
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.communityId, c.id), eq(auditLog.entityId, first.id)));
    expect(audits.map((a) => a.action).sort()).toEqual(['self_test.edit', 'self_test.submit']);
    expect(audits.find((a) => a.action === 'self_test.edit')!.before).toMatchObject({
      actual: 10,
      negative: 10,
    });

    const forms = await v.myForms({ communityId: c.id, roundId });
    expect(forms.stairwells.map((s) => s.stairwellId)).toEqual([c.stairwells[0]!.id]);
    expect(forms.stairwells[0]).toMatchObject({
      registered: 8,
      maxActual: 10,
      report: { actual: 8, negative: 7 },
    });
  });

  it('is refused outside the volunteer’s stairwells, for residents, and in another compound', async () => {
    const { c, p, other, otherPeople, roundId, row } = await scene();
    expect(
      await refusal(as(p.volunteer).healthRounds.submitSelfTest(row({ stairwellId: c.stairwells[1]!.id }))),
    ).toEqual({
      code: 'NOT_FOUND',
      appCode: 'STAIRWELL_NOT_FOUND',
    });
    expect(await refusal(as(p.resident).healthRounds.submitSelfTest(row()))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(null).healthRounds.submitSelfTest(row()))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await refusal(as(otherPeople.owner).healthRounds.submitSelfTest(row()))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // Their own compound, our round: not found.
    expect(
      await refusal(
        as(otherPeople.owner).healthRounds.submitSelfTest(
          row({ communityId: other.id, stairwellId: other.stairwells[0]!.id }),
        ),
      ),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'ROUND_NOT_FOUND' });
    expect(roundId).toBeTruthy();
  });

  it('starts from what households reported themselves', async () => {
    const { c, p, roundId } = await scene();
    const neighbour = await makeUser(database.db, { name: '邻居' });
    await addMember(database.db, c.id, neighbour, 'resident', c.households[1]!.id);
    await as(p.resident).healthRounds.reportHousehold({
      communityId: c.id,
      roundId,
      negative: 2,
      abnormal: 0,
      invalid: 0,
    });
    await as(neighbour).healthRounds.reportHousehold({
      communityId: c.id,
      roundId,
      negative: 1,
      abnormal: 0,
      invalid: 1,
    });
    // A second report replaces the first.
    await as(neighbour).healthRounds.reportHousehold({
      communityId: c.id,
      roundId,
      negative: 2,
      abnormal: 0,
      invalid: 0,
    });
    const forms = await as(p.volunteer).healthRounds.myForms({ communityId: c.id, roundId });
    expect(forms.stairwells[0]!.fromHouseholds).toEqual({
      households: 2,
      negative: 4,
      abnormal: 0,
      invalid: 0,
    });
    const mine = await as(p.resident).healthRounds.rounds({ communityId: c.id });
    expect(mine[0]).toMatchObject({ id: roundId, myReport: { negative: 2, abnormal: 0, invalid: 0 } });
  });
});

describe('the deadline', () => {
  it('takes 135 stairwells submitting at once just before it, with exact totals, and refuses edits after it', async () => {
    clock = T0;
    // 27 buildings × 5 stairwells = 135, like 钟楼新村.
    const c = await makeCommunity(database.db, {
      buildings: 27,
      stairwellsPerBuilding: 5,
      householdsPerStairwell: 2,
    });
    const owner = await makeUser(database.db, { name: '何红霞' });
    await addMember(database.db, c.id, owner, 'owner');
    const leaders = await makeLeaders(database.db, c);
    const { roundId, deadlineAt } = await as(owner).healthRounds.openSelfTest({
      communityId: c.id,
      deadlineMinutes: 120,
    });
    expect(deadlineAt.getTime()).toBe(T0.getTime() + 120 * 60_000);

    clock = new Date(deadlineAt.getTime() - 1);
    const rows = c.stairwells.map((s, i) => {
      const abnormal = i === 77 ? 1 : 0;
      const invalid = i % 9 === 0 ? 1 : 0;
      return { stairwellId: s.id, actual: 4, negative: 4 - abnormal - invalid, abnormal, invalid };
    });
    const results = await Promise.allSettled(
      rows.map((r, i) => as(leaders[i]!).healthRounds.submitSelfTest({ communityId: c.id, roundId, ...r })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    const board = await as(owner).healthRounds.selfTestBoard({ communityId: c.id, roundId });
    expect(board.submittedCount).toBe(135);
    expect(board.missingCount).toBe(0);
    const expected = rows.reduce(
      (t, r) => ({
        actual: t.actual + r.actual,
        negative: t.negative + r.negative,
        abnormal: t.abnormal + r.abnormal,
        invalid: t.invalid + r.invalid,
      }),
      { actual: 0, negative: 0, abnormal: 0, invalid: 0 },
    );
    expect(board.totals).toEqual(expected);
    expect(board.totals).toEqual({ actual: 540, negative: 524, abnormal: 1, invalid: 15 });
    // Anomalies first.
    expect(board.stairwells[0]).toMatchObject({ stairwellId: c.stairwells[77]!.id, abnormal: 1 });

    clock = deadlineAt;
    expect(
      await refusal(
        as(leaders[0]!).healthRounds.submitSelfTest({
          communityId: c.id,
          roundId,
          ...rows[0]!,
          negative: 3,
          invalid: 1,
        }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'ROUND_DEADLINE_PASSED' });
    // Coordinators cannot edit after it either, and the totals did not move.
    expect(
      await refusal(
        as(owner).healthRounds.submitSelfTest({
          communityId: c.id,
          roundId,
          ...rows[1]!,
          negative: 3,
          invalid: 1,
        }),
      ),
    ).toMatchObject({ appCode: 'ROUND_DEADLINE_PASSED' });
    const after = await as(owner).healthRounds.selfTestBoard({ communityId: c.id, roundId });
    expect(after.totals).toEqual(expected);
    expect(after.round.editable).toBe(false);
  });

  it('a closed round takes no more rows, and closing twice is refused', async () => {
    const { p, c, roundId, row } = await scene();
    await as(p.admin).healthRounds.closeRound({ communityId: c.id, roundId });
    expect(await refusal(as(p.volunteer).healthRounds.submitSelfTest(row()))).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'ROUND_DEADLINE_PASSED',
    });
    expect(await refusal(as(p.admin).healthRounds.closeRound({ communityId: c.id, roundId }))).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'ROUND_NOT_OPEN',
    });
  });
});

describe('anomalies', () => {
  it('are visible to the coordinators only, with the household when it reported itself', async () => {
    const { c, p, roundId, row } = await scene();
    const volunteer1 = await makeUser(database.db, { name: '二楼道志愿者' });
    await addMember(database.db, c.id, volunteer1, 'volunteer');
    await assignStairwell(database.db, c.id, volunteer1, c.stairwells[1]!.id, 'leader');
    await as(p.resident).healthRounds.reportHousehold({
      communityId: c.id,
      roundId,
      negative: 1,
      abnormal: 1,
      invalid: 0,
    });
    await as(p.volunteer).healthRounds.submitSelfTest(row({ negative: 7, abnormal: 1 }));
    await as(volunteer1).healthRounds.submitSelfTest(row({ stairwellId: c.stairwells[1]!.id }));

    const board = await as(p.owner).healthRounds.selfTestBoard({ communityId: c.id, roundId });
    expect(board.stairwells[0]).toMatchObject({ stairwellId: c.stairwells[0]!.id, abnormal: 1 });
    expect(board.followUps).toEqual([
      expect.objectContaining({
        stairwellId: c.stairwells[0]!.id,
        room: c.households[0]!.room,
        abnormal: 1,
        resolvedAt: null,
      }),
    ]);

    // Nobody else sees the table or the follow-ups.
    for (const u of [p.volunteer, volunteer1, p.resident]) {
      expect(await refusal(as(u).healthRounds.selfTestBoard({ communityId: c.id, roundId }))).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    // The other stairwell's volunteer sees only their own row, without the anomaly.
    const theirs = await as(volunteer1).healthRounds.myForms({ communityId: c.id, roundId });
    expect(theirs.stairwells.map((s) => s.stairwellId)).toEqual([c.stairwells[1]!.id]);
    expect(JSON.stringify(theirs)).not.toContain(c.stairwells[0]!.id);
    // The notice went to the coordinators, and only to them.
    const told = await database.db
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.communityId, c.id), eq(notifications.kind, 'self_test.abnormal')));
    expect(told.map((t) => t.userId).sort()).toEqual([p.owner.id, p.admin.id].sort());

    // Back to 0 clears the open follow-up; resolving works once.
    await as(p.volunteer).healthRounds.submitSelfTest(row({ negative: 7, abnormal: 1 }));
    const open = (await as(p.owner).healthRounds.selfTestBoard({ communityId: c.id, roundId })).followUps[0]!;
    await as(p.admin).healthRounds.resolveFollowUp({
      communityId: c.id,
      followUpId: open.id,
      note: '已安排复测',
    });
    expect(
      await refusal(as(p.admin).healthRounds.resolveFollowUp({ communityId: c.id, followUpId: open.id })),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'FOLLOW_UP_NOT_FOUND' });
    await as(p.volunteer).healthRounds.submitSelfTest(row());
    const cleared = await as(p.owner).healthRounds.selfTestBoard({ communityId: c.id, roundId });
    expect(cleared.stairwells.find((s) => s.stairwellId === c.stairwells[0]!.id)!.abnormal).toBe(0);
  });
});

describe('missing stairwells', () => {
  it('are listed with their leader, and one tap reminds the leader', async () => {
    const { c, p, roundId } = await scene();
    const board = await as(p.owner).healthRounds.selfTestBoard({ communityId: c.id, roundId });
    const missing = board.stairwells.filter((s) => !s.submitted);
    expect(missing.map((s) => s.stairwellId)).toEqual([c.stairwells[0]!.id, c.stairwells[1]!.id]);
    expect(missing[0]!.leaderName).toBe(p.volunteer.name);
    const { notified } = await as(p.owner).healthRounds.remind({
      communityId: c.id,
      roundId,
      stairwellId: c.stairwells[0]!.id,
    });
    expect(notified).toBe(1);
    const told = await database.db
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(and(eq(notifications.communityId, c.id), eq(notifications.kind, 'self_test.reminder')));
    expect(told.map((t) => t.userId)).toEqual([p.volunteer.id]);
  });
});

describe('the export and the history', () => {
  it('has the form’s columns and the totals, in CSV and XLSX', async () => {
    const { c, p, roundId, row } = await scene();
    clock = new Date('2022-04-20T01:05:00Z'); // 09:05 in Shanghai
    await as(p.volunteer).healthRounds.submitSelfTest(
      row({ actual: 8, negative: 6, abnormal: 1, invalid: 1 }),
    );
    const input = { communityId: c.id, roundId };

    const csv = await selfTestExportResponse({
      database,
      user: p.admin,
      input: { ...input, format: 'csv' },
      now,
    });
    expect(csv.status).toBe(200);
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    const rows = Papa.parse<string[]>(text.trim()).data;
    expect(rows[0]).toEqual(['楼道号', '实际人数', '阴性人数', '异常人数', '无效人数', '填报人', '填报时间']);
    expect(rows[1]).toEqual(['1-1', '8', '6', '1', '1', p.volunteer.name, '2022-04-20 09:05']);
    expect(rows[2]).toEqual(['1-2', '', '', '', '', '', '']);
    expect(rows[3]).toEqual(['合计', '8', '6', '1', '1', '', '']);

    const xlsx = await selfTestExportResponse({
      database,
      user: p.admin,
      input: { ...input, format: 'xlsx' },
      now,
    });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      '楼道号',
      '实际人数',
      '阴性人数',
      '异常人数',
      '无效人数',
      '填报人',
      '填报时间',
    ]);
    const total = ws.getRow(4);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(2).value).toMatchObject({ formula: 'SUM(B2:B3)', result: 8 });
    expect(total.getCell(4).value).toMatchObject({ result: 1 });

    // Coordinators only.
    const refused = await selfTestExportResponse({
      database,
      user: p.volunteer,
      input: { ...input, format: 'csv' },
      now,
    });
    expect(refused.status).toBe(403);
    const anonymous = await selfTestExportResponse({
      database,
      user: null,
      input: { ...input, format: 'csv' },
      now,
    });
    expect(anonymous.status).toBe(401);
    const bad = await selfTestExportResponse({
      database,
      user: p.admin,
      input: { ...input, format: 'pdf' },
      now,
    });
    expect(bad.status).toBe(400);
  });

  it('shows one stairwell across rounds', async () => {
    const { c, p, roundId, row } = await scene();
    await as(p.volunteer).healthRounds.submitSelfTest(row());
    const { roundId: second } = await as(p.admin).healthRounds.openSelfTest({
      communityId: c.id,
      title: '第二轮',
    });
    const h = await as(p.volunteer).healthRounds.stairwellHistory({
      communityId: c.id,
      stairwellId: c.stairwells[0]!.id,
    });
    expect(h.rounds.map((r) => [r.roundId, r.submitted])).toEqual(
      expect.arrayContaining([
        [roundId, true],
        [second, false],
      ]),
    );
    expect(
      await refusal(
        as(p.volunteer).healthRounds.stairwellHistory({
          communityId: c.id,
          stairwellId: c.stairwells[1]!.id,
        }),
      ),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'STAIRWELL_NOT_FOUND' });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.communityId, c.id), inArray(auditLog.action, ['health_round.open'])));
    expect(audit).toHaveLength(2);
  });
});
