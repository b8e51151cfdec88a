import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateShortfall,
  BAG_STATUSES,
  BATCH_STATUSES,
  canRelease,
  canTransitionBag,
  canTransitionBatch,
  CHECKOFF_UNDO_MINUTES,
  checkoffUndoInTime,
  effectiveCheckoffTime,
  isBatchComplete,
  refundsPerOrder,
  resolveDwellSeconds,
  type ShortfallLine,
} from '@/server/services/distribution/rules';
import { ServiceError } from '@/server/services/shared/errors';

const line = (seq: number, qty: number, unitPriceFen = 1000, orderId = `o${seq}`): ShortfallLine => ({
  orderId,
  seq,
  householdId: `h${seq}`,
  qty,
  unitPriceFen,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ServiceError ? `${e.kind}:${e.code}` : 'other';
  }
  return undefined;
}

describe('shortfall allocation (first come, first served by 接龙号)', () => {
  it('fills the lowest sequence numbers first, whatever order the lines come in', () => {
    const result = allocateShortfall([line(3, 2), line(1, 2), line(2, 2)], 3);
    expect(result.map((a) => [a.seq, a.fulfilledQty, a.shortQty])).toEqual([
      [1, 2, 0],
      [2, 1, 1],
      [3, 0, 2],
    ]);
  });

  it('refunds exactly the value not delivered at the price each household paid', () => {
    const result = allocateShortfall([line(1, 2, 1250), line(2, 3, 990)], 1);
    expect(result.map((a) => a.refundFen)).toEqual([1 * 1250, 3 * 990]);
    const totalShort = result.reduce((n, a) => n + a.shortQty, 0);
    expect(totalShort).toBe(4);
  });

  it('breaks (impossible) equal sequence numbers by order id, independent of input order', () => {
    const a = line(5, 1, 100, 'b-order');
    const b = line(5, 1, 100, 'a-order');
    expect(allocateShortfall([a, b], 1)[0]!.orderId).toBe('a-order');
    expect(allocateShortfall([b, a], 1)[0]!.orderId).toBe('a-order');
  });

  it('zero delivered: everyone is short and refunded in full', () => {
    const result = allocateShortfall([line(1, 2, 500), line(2, 1, 700)], 0);
    expect(result.every((a) => a.fulfilledQty === 0)).toBe(true);
    expect(result.map((a) => a.refundFen)).toEqual([1000, 700]);
  });

  it('nothing short: no one is refunded', () => {
    const result = allocateShortfall([line(1, 2), line(2, 1)], 3);
    expect(result.every((a) => a.shortQty === 0 && a.refundFen === 0)).toBe(true);
    expect(refundsPerOrder(result).size).toBe(0);
  });

  it('refuses negative, fractional and more-than-ordered quantities', () => {
    expect(codeOf(() => allocateShortfall([line(1, 2)], -1))).toBe('BAD_REQUEST:DELIVERED_QTY_NEGATIVE');
    expect(codeOf(() => allocateShortfall([line(1, 2)], 1.5))).toBe('BAD_REQUEST:DELIVERED_QTY_NOT_INTEGER');
    expect(codeOf(() => allocateShortfall([line(1, 2)], 3))).toBe(
      'BAD_REQUEST:DELIVERED_QTY_EXCEEDS_ORDERED',
    );
  });

  it('sums one refund per order across items', () => {
    const eggs = allocateShortfall([line(1, 1, 100), line(2, 1, 100)], 1);
    const rice = allocateShortfall([line(1, 1, 5000), line(2, 1, 5000)], 0);
    const refunds = refundsPerOrder([...eggs, ...rice]);
    expect(Object.fromEntries(refunds)).toEqual({ o1: 5000, o2: 5100 });
  });

  it('property: units are conserved, later joiners are never served before earlier ones', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ qty: fc.integer({ min: 1, max: 5 }), price: fc.integer({ min: 0, max: 10_000 }) }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.nat(),
        (rows, seed) => {
          const lines = rows.map((r, i) => line(i + 1, r.qty, r.price));
          const ordered = lines.reduce((n, l) => n + l.qty, 0);
          const delivered = seed % (ordered + 1);
          const result = allocateShortfall([...lines].reverse(), delivered);
          expect(result.reduce((n, a) => n + a.fulfilledQty, 0)).toBe(delivered);
          const refund = result.reduce((n, a) => n + a.refundFen, 0);
          const expected =
            lines.reduce((n, l) => n + l.qty * l.unitPriceFen, 0) -
            result.reduce((n, a) => n + a.fulfilledQty * lines[a.seq - 1]!.unitPriceFen, 0);
          expect(refund).toBe(expected);
          // Once someone is short, everyone after them gets nothing.
          let sawShort = false;
          for (const a of result) {
            if (sawShort) expect(a.fulfilledQty).toBe(0);
            if (a.shortQty > 0) sawShort = true;
          }
        },
      ),
    );
  });
});

describe('batch state machine', () => {
  it('allows exactly received → disinfecting → released → distributing → completed (and back, for an undone check-off)', () => {
    const allowed = BATCH_STATUSES.flatMap((from) =>
      BATCH_STATUSES.filter((to) => canTransitionBatch(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'received→disinfecting',
        'disinfecting→released',
        'released→distributing',
        'released→completed',
        'distributing→completed',
        'completed→distributing',
      ].sort(),
    );
  });

  it('never releases before disinfection, nor goes back before release', () => {
    expect(canTransitionBatch('received', 'released')).toBe(false);
    expect(canTransitionBatch('released', 'disinfecting')).toBe(false);
    expect(canTransitionBatch('disinfecting', 'disinfecting')).toBe(false);
    expect(canTransitionBatch('completed', 'released')).toBe(false);
  });

  it('is complete only when every bag is delivered or refunded', () => {
    expect(isBatchComplete(['delivered', 'refunded'])).toBe(true);
    expect(isBatchComplete(['delivered', 'exception'])).toBe(false);
    expect(isBatchComplete(['pending'])).toBe(false);
    expect(isBatchComplete([])).toBe(true);
  });
});

describe('bag state machine', () => {
  it('allows pending → delivered | exception, exception → delivered | refunded, and the undo of delivered', () => {
    const allowed = BAG_STATUSES.flatMap((from) =>
      BAG_STATUSES.filter((to) => canTransitionBag(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending→delivered',
        'pending→exception',
        'pending→refunded',
        'exception→delivered',
        'exception→refunded',
        'delivered→pending',
        'delivered→exception',
      ].sort(),
    );
  });

  it('refuses a second delivery and anything after a refund', () => {
    expect(canTransitionBag('delivered', 'delivered')).toBe(false);
    expect(canTransitionBag('delivered', 'refunded')).toBe(false);
    expect(canTransitionBag('refunded', 'delivered')).toBe(false);
  });

  it('an undo of ✓ 送达 is in time for 5 minutes of the phone clock, never before the check-off', () => {
    const t = new Date('2022-04-12T16:00:00Z');
    expect(CHECKOFF_UNDO_MINUTES).toBe(5);
    expect(checkoffUndoInTime(t, new Date(t.getTime() + 5 * 60_000))).toBe(true);
    expect(checkoffUndoInTime(t, new Date(t.getTime() + 5 * 60_000 + 1))).toBe(false);
    expect(checkoffUndoInTime(t, new Date(t.getTime() - 1))).toBe(false);
  });
});

describe('disinfection dwell', () => {
  const start = new Date('2022-04-12T16:00:00Z');

  it('releases only once the dwell has passed by the given clock', () => {
    expect(canRelease(new Date(start.getTime() + 30 * 60_000 - 1), start, 1800)).toBe(false);
    expect(canRelease(new Date(start.getTime() + 30 * 60_000), start, 1800)).toBe(true);
    expect(canRelease(new Date(start.getTime() + 3_600_000), null, 1800)).toBe(false);
  });

  it('uses the compound minimum, accepts a longer one, refuses a shorter one', () => {
    expect(resolveDwellSeconds({ compoundMinutes: 30 })).toBe(1800);
    expect(resolveDwellSeconds({ compoundMinutes: 30, requestedMinutes: 45 })).toBe(2700);
    expect(codeOf(() => resolveDwellSeconds({ compoundMinutes: 30, requestedMinutes: 10 }))).toBe(
      'BAD_REQUEST:DWELL_TOO_SHORT',
    );
  });

  it('the test setting replaces the dwell', () => {
    expect(resolveDwellSeconds({ compoundMinutes: 30, requestedMinutes: 45, testSeconds: 3 })).toBe(3);
  });
});

describe('check-off time', () => {
  const now = new Date('2022-04-12T16:00:00Z');
  const released = new Date('2022-04-12T15:00:00Z');

  it('keeps the phone’s time of an offline check-off', () => {
    const offline = new Date('2022-04-12T15:20:00Z');
    expect(effectiveCheckoffTime(offline, now, released)).toEqual(offline);
  });

  it('never in the server’s future, never before release, not from a clock days off', () => {
    expect(effectiveCheckoffTime(new Date('2022-04-12T17:00:00Z'), now, released)).toEqual(now);
    expect(effectiveCheckoffTime(new Date('2022-04-12T14:00:00Z'), now, released)).toEqual(released);
    expect(effectiveCheckoffTime(new Date('2022-03-01T00:00:00Z'), now, null)).toEqual(now);
  });
});
