import { describe, expect, it } from 'vitest';
import { gateCode, normalizeGateCode } from '@/server/services/health/gate-code';
import {
  actualMargin,
  BUILDING_TRANSITIONS,
  canTransition,
  isEditable,
  minutesPerBuilding,
  queueStanding,
  ROUND_TRANSITIONS,
  selfTestProblems,
} from '@/server/services/health/rules';

describe('self-test rows', () => {
  it('accept a row matching the roster, and name each broken rule', () => {
    expect(selfTestProblems({ actual: 8, negative: 7, abnormal: 1, invalid: 0 }, 8, '')).toEqual([]);
    expect(selfTestProblems({ actual: 8, negative: 8, abnormal: 1, invalid: 0 }, 8, '')).toEqual([
      { code: 'RESULTS_EXCEED_ACTUAL' },
    ]);
    expect(selfTestProblems({ actual: 1.5, negative: 0, abnormal: 0, invalid: 0 }, 8, '')).toEqual([
      { code: 'COUNT_NOT_WHOLE', field: 'actual' },
    ]);
    expect(selfTestProblems({ actual: 11, negative: 0, abnormal: 0, invalid: 0 }, 8, 'x')).toEqual([
      { code: 'ACTUAL_EXCEEDS_ROSTER', max: 10 },
    ]);
    expect(selfTestProblems({ actual: 6, negative: 6, abnormal: 0, invalid: 0 }, 8, ' ')).toEqual([
      { code: 'REASON_REQUIRED' },
    ]);
  });
  it('allow 20 % more than the roster, at least 2', () => {
    expect(actualMargin(0)).toBe(2);
    expect(actualMargin(8)).toBe(2);
    expect(actualMargin(30)).toBe(6);
  });
  it('are editable strictly before the deadline, while open', () => {
    const deadlineAt = new Date('2022-04-20T02:00:00Z');
    expect(isEditable({ status: 'open', deadlineAt }, new Date(deadlineAt.getTime() - 1))).toBe(true);
    expect(isEditable({ status: 'open', deadlineAt }, deadlineAt)).toBe(false);
    expect(isEditable({ status: 'closed', deadlineAt }, new Date(0))).toBe(false);
  });
});

describe('lifecycles', () => {
  it('let nothing leave a closed round, and recall only what was called', () => {
    expect(canTransition(ROUND_TRANSITIONS, 'close', 'open')).toBe(true);
    expect(canTransition(ROUND_TRANSITIONS, 'close', 'closed')).toBe(false);
    expect(canTransition(ROUND_TRANSITIONS, 'cancel', 'closed')).toBe(false);
    expect(canTransition(BUILDING_TRANSITIONS, 'recall', 'queued')).toBe(false);
    expect(canTransition(BUILDING_TRANSITIONS, 'recall', 'done')).toBe(true);
    expect(canTransition(BUILDING_TRANSITIONS, 'finish', 'skipped')).toBe(false);
  });
});

describe('the queue', () => {
  const q = [
    { buildingId: 'a', position: 1, status: 'done' as const },
    { buildingId: 'b', position: 2, status: 'called' as const },
    { buildingId: 'c', position: 3, status: 'queued' as const },
    { buildingId: 'd', position: 4, status: 'queued' as const },
  ];
  it('says where a building stands and how long to wait', () => {
    expect(queueStanding(q, 'b', 10)).toEqual({ state: 'called' });
    expect(queueStanding(q, 'd', 10)).toEqual({ state: 'waiting', ahead: 2, waitMinutes: 15 });
    expect(queueStanding(q, 'x', 10)).toEqual({ state: 'absent' });
  });
  it('takes the median building time, 15 minutes before any is done', () => {
    const t = (m: number) => new Date(m * 60_000);
    expect(minutesPerBuilding([])).toBe(15);
    expect(
      minutesPerBuilding([
        { calledAt: t(0), doneAt: t(10) },
        { calledAt: t(0), doneAt: t(12) },
        { calledAt: t(0), doneAt: t(40) },
      ]),
    ).toBe(12);
  });
});

describe('gate codes', () => {
  it('are 6 readable characters, per compound, and survive typing', () => {
    const a = gateCode('c1', 'h1');
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(gateCode('c2', 'h1')).not.toBe(a);
    expect(normalizeGateCode(`llg:${a.toLowerCase()}`)).toBe(a);
    expect(normalizeGateCode(` ${a.slice(0, 3)}-${a.slice(3)} `)).toBe(a);
    expect(normalizeGateCode('ABC')).toBeNull();
    expect(normalizeGateCode('UUUUUU')).toBeNull();
  });
});
