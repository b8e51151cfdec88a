/**
 * Pure rules of the health rounds: what a stairwell's self-test row may say, the lifecycles of a
 * round and of a building in the testing call order, the expected wait, and the gate register's
 * retention. No database here (tests/unit/health-rules.test.ts).
 */

// ── Self-test rows (金山表单) ──────────────────────────────────────────────────────────────────

type SelfTestCounts = { actual: number; negative: number; abnormal: number; invalid: number };

/** How far 实际人数 may exceed the roster (guests, relatives staying over): 20 %, at least 2 people. */
export function actualMargin(registered: number): number {
  return Math.max(2, Math.ceil(registered * 0.2));
}

export type SelfTestProblem =
  | { code: 'COUNT_NOT_WHOLE'; field: keyof SelfTestCounts }
  | { code: 'RESULTS_EXCEED_ACTUAL' }
  | { code: 'ACTUAL_EXCEEDS_ROSTER'; max: number }
  | { code: 'REASON_REQUIRED' };

/**
 * Every way a row breaks the form's rules, first one first: whole non-negative numbers,
 * 阴性 + 异常 + 无效 ≤ 实际人数, 实际人数 ≤ registered + margin, and a reason whenever 实际人数
 * differs from the roster.
 */
export function selfTestProblems(
  counts: SelfTestCounts,
  registered: number,
  reason: string,
): SelfTestProblem[] {
  const problems: SelfTestProblem[] = [];
  for (const field of ['actual', 'negative', 'abnormal', 'invalid'] as const) {
    const v = counts[field];
    if (!Number.isInteger(v) || v < 0) problems.push({ code: 'COUNT_NOT_WHOLE', field });
  }
  if (problems.length) return problems;
  if (counts.negative + counts.abnormal + counts.invalid > counts.actual)
    problems.push({ code: 'RESULTS_EXCEED_ACTUAL' });
  const max = registered + actualMargin(registered);
  if (counts.actual > max) problems.push({ code: 'ACTUAL_EXCEEDS_ROSTER', max });
  if (counts.actual !== registered && reason.trim() === '') problems.push({ code: 'REASON_REQUIRED' });
  return problems;
}

/** Rows are editable until the deadline: strictly before it, and only while the round is open. */
export function isEditable(round: { status: RoundStatus; deadlineAt: Date | null }, now: Date): boolean {
  if (round.status !== 'open') return false;
  return !round.deadlineAt || now.getTime() < round.deadlineAt.getTime();
}

/** The round's totals: plain sums of the submitted rows. */
export function totalsOf(rows: readonly SelfTestCounts[]): SelfTestCounts {
  return rows.reduce(
    (t, r) => ({
      actual: t.actual + r.actual,
      negative: t.negative + r.negative,
      abnormal: t.abnormal + r.abnormal,
      invalid: t.invalid + r.invalid,
    }),
    { actual: 0, negative: 0, abnormal: 0, invalid: 0 },
  );
}

// ── Lifecycles ──────────────────────────────────────────────────────────────────────────────

export type RoundStatus = 'open' | 'closed' | 'cancelled';
export type RoundAction = 'close' | 'cancel';

/** A round: open → closed (done) | cancelled. Nothing leaves closed or cancelled. */
export const ROUND_TRANSITIONS: Record<RoundAction, { from: readonly RoundStatus[]; to: RoundStatus }> = {
  close: { from: ['open'], to: 'closed' },
  cancel: { from: ['open'], to: 'cancelled' },
};

export type BuildingStatus = 'queued' | 'called' | 'done' | 'skipped';
export type BuildingAction = 'call' | 'recall' | 'skip' | 'finish';

/**
 * A building in the testing call order: queued → called → done. A coordinator may skip a queued
 * or called building (nobody home yet, a sealed building) and call it back later, or recall a
 * called or done building (latecomers): both put it back to `called` and notify it again.
 */
export const BUILDING_TRANSITIONS: Record<
  BuildingAction,
  { from: readonly BuildingStatus[]; to: BuildingStatus }
> = {
  call: { from: ['queued'], to: 'called' },
  recall: { from: ['called', 'done', 'skipped'], to: 'called' },
  skip: { from: ['queued', 'called'], to: 'skipped' },
  finish: { from: ['called'], to: 'done' },
};

export function canTransition<A extends string, S extends string>(
  table: Record<A, { from: readonly S[] }>,
  action: A,
  from: S,
): boolean {
  return table[action].from.includes(from);
}

// ── Call-out ────────────────────────────────────────────────────────────────────────────────

/** Minutes a building takes when none has finished yet (a stairwell of 12 households, ~1 min each). */
const DEFAULT_MINUTES_PER_BUILDING = 15;

/** Median minutes from call to done of the buildings that finished; the default when none has. */
export function minutesPerBuilding(done: readonly { calledAt: Date; doneAt: Date }[]): number {
  const m = done
    .map((d) => (d.doneAt.getTime() - d.calledAt.getTime()) / 60_000)
    .filter((x) => x > 0)
    .sort((a, b) => a - b);
  if (m.length === 0) return DEFAULT_MINUTES_PER_BUILDING;
  const mid = Math.floor(m.length / 2);
  const median = m.length % 2 ? m[mid]! : (m[mid - 1]! + m[mid]!) / 2;
  return Math.max(1, Math.round(median));
}

type QueueEntry = { buildingId: string; position: number; status: BuildingStatus };

/**
 * Where a building stands: `called` (轮到你们楼了), `done`, `skipped`, or `waiting` with how many
 * buildings are ahead (queued ones before it, plus those being sampled now) and the expected wait.
 */
export function queueStanding(
  queue: readonly QueueEntry[],
  buildingId: string,
  perBuilding: number,
):
  | { state: 'called' | 'done' | 'skipped' }
  | { state: 'waiting'; ahead: number; waitMinutes: number }
  | { state: 'absent' } {
  const mine = queue.find((q) => q.buildingId === buildingId);
  if (!mine) return { state: 'absent' };
  if (mine.status !== 'queued') return { state: mine.status };
  const queuedAhead = queue.filter((q) => q.status === 'queued' && q.position < mine.position).length;
  const calledNow = queue.filter((q) => q.status === 'called').length;
  const ahead = queuedAhead + calledNow;
  // The ones being sampled now are on average half done.
  return { state: 'waiting', ahead, waitMinutes: Math.round((queuedAhead + calledNow / 2) * perBuilding) };
}

// ── Gate register ───────────────────────────────────────────────────────────────────────────

/** Entries are deleted this many days after their last time (privacy: shown on the gate page). */
export const GATE_RETENTION_DAYS = 14;

export function gateRetentionCutoff(now: Date): Date {
  return new Date(now.getTime() - GATE_RETENTION_DAYS * 24 * 3600_000);
}

/** A second "in" within this window of the first is the same scan again, not an error. */
export const GATE_DOUBLE_SCAN_MS = 10 * 60_000;

/** 体温: a plausible human reading in °C (kept to one decimal). */
export function validTemperature(t: number): boolean {
  return Number.isFinite(t) && t >= 34 && t <= 43;
}
