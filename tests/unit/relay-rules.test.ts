import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allStockSold,
  assertJoinable,
  assertTransition,
  canTransition,
  CLOSE_UNDO_SECONDS,
  closeOutcomePreview,
  closeUndoOpen,
  evaluateThreshold,
  formatChainEntry,
  holdUntil,
  normalizeJoinLines,
  orderTotalFen,
  planOrderChange,
  assertIncreaseAllowed,
  RELAY_TRANSITIONS,
  refundableFen,
  validateQty,
  validateRelayDraft,
  type ItemRule,
  type RelayAction,
  type RelayStatus,
} from '@/server/services/relay/rules';

const items: ItemRule[] = [
  { id: 'b-item', name: '鸡蛋', unitPriceFen: 4500, stockCap: 50, sold: 0, perHouseholdLimit: 2 },
  { id: 'a-item', name: '大米', unitPriceFen: 3990, stockCap: null, sold: 0, perHouseholdLimit: null },
];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('the chain as residents see it (DESIGN.md §5)', () => {
  it('shows the building and stairwell, hides the door, keeps only the surname', () => {
    expect(
      formatChainEntry({
        seq: 23,
        place: { building: '3', stairwell: '2', room: '201' },
        name: '张桂英',
        lines: [
          { name: '鸡蛋', qty: 2 },
          { name: '大米', qty: 1 },
        ],
      }),
    ).toBe('#23 3号楼 2单元 2**室 张* — 鸡蛋×2 大米×1');
  });
});

describe('state transitions', () => {
  const all: RelayStatus[] = [
    'draft',
    'open',
    'closed',
    'formed',
    'failed',
    'dispatched',
    'arrived',
    'distributing',
    'completed',
    'cancelled',
  ];
  it('follows the table: draft → open → closed → formed | failed; cancel before forming', () => {
    expect(canTransition('open', 'draft')).toBe(true);
    expect(canTransition('close', 'open')).toBe(true);
    expect(canTransition('form', 'closed')).toBe(true);
    expect(canTransition('fail', 'closed')).toBe(true);
    for (const s of ['draft', 'open', 'closed'] as const) expect(canTransition('cancel', s)).toBe(true);
    for (const s of ['formed', 'failed', 'completed', 'cancelled'] as const)
      expect(canTransition('cancel', s)).toBe(false);
  });
  it('every illegal transition is a PRECONDITION_FAILED with a stable code', () => {
    for (const action of Object.keys(RELAY_TRANSITIONS) as RelayAction[]) {
      for (const s of all) {
        if (canTransition(action, s)) {
          expect(assertTransition(action, s)).toBe(RELAY_TRANSITIONS[action].to);
        } else {
          let err: { kind?: string; code?: string } = {};
          try {
            assertTransition(action, s);
          } catch (e) {
            err = e as typeof err;
          }
          expect(err.kind).toBe('PRECONDITION_FAILED');
          expect(err.code).toMatch(/^RELAY_[A-Z_]+$/);
        }
      }
    }
  });
});

describe('joining', () => {
  const now = new Date('2026-04-10T10:00:00Z');
  const open = {
    status: 'open' as const,
    opensAt: new Date('2026-04-10T09:00:00Z'),
    closesAt: new Date('2026-04-10T12:00:00Z'),
  };
  it('says why a relay does not take orders', () => {
    expect(code(() => assertJoinable(open, now))).toBeUndefined();
    expect(code(() => assertJoinable({ ...open, status: 'draft' }, now))).toBe('RELAY_NOT_YET_OPEN');
    expect(code(() => assertJoinable({ ...open, opensAt: new Date('2026-04-10T11:00:00Z') }, now))).toBe(
      'RELAY_NOT_YET_OPEN',
    );
    expect(code(() => assertJoinable({ ...open, status: 'closed' }, now))).toBe('RELAY_CLOSED');
    expect(code(() => assertJoinable(open, new Date('2026-04-10T12:00:00Z')))).toBe('RELAY_CLOSED');
    expect(code(() => assertJoinable({ ...open, status: 'failed' }, now))).toBe('RELAY_FAILED');
    expect(code(() => assertJoinable({ ...open, status: 'cancelled' }, now))).toBe('RELAY_CANCELLED');
  });
  it('accepts positive whole quantities only', () => {
    expect(code(() => validateQty(1))).toBeUndefined();
    expect(code(() => validateQty(0))).toBe('QTY_NOT_POSITIVE');
    expect(code(() => validateQty(-2))).toBe('QTY_NOT_POSITIVE');
    expect(code(() => validateQty(1.5))).toBe('QTY_NOT_INTEGER');
    expect(code(() => validateQty(Number.NaN))).toBe('QTY_NOT_INTEGER');
    expect(code(() => validateQty(100_000))).toBe('QTY_TOO_LARGE');
  });
  it('merges lines, refuses foreign items and single lines over the limit, sorts by item id (lock order)', () => {
    expect(
      normalizeJoinLines(
        [
          { relayItemId: 'b-item', qty: 1 },
          { relayItemId: 'a-item', qty: 2 },
          { relayItemId: 'b-item', qty: 1 },
        ],
        items,
      ),
    ).toEqual([
      { relayItemId: 'a-item', qty: 2 },
      { relayItemId: 'b-item', qty: 2 },
    ]);
    expect(code(() => normalizeJoinLines([{ relayItemId: 'x', qty: 1 }], items))).toBe(
      'RELAY_ITEM_NOT_IN_RELAY',
    );
    expect(code(() => normalizeJoinLines([{ relayItemId: 'b-item', qty: 3 }], items))).toBe(
      'RELAY_HOUSEHOLD_LIMIT',
    );
    expect(code(() => normalizeJoinLines([], items))).toBe('ORDER_EMPTY');
  });
  it('holds unpaid stock for the compound setting, 15 minutes by default', () => {
    expect(holdUntil(now, 20).toISOString()).toBe('2026-04-10T10:20:00.000Z');
    expect(holdUntil(now, 0).toISOString()).toBe('2026-04-10T10:15:00.000Z');
  });
});

describe('money', () => {
  it('totals are the sum of lines in integer fen', () => {
    expect(
      orderTotalFen([
        { qty: 2, unitPriceFen: 4500 },
        { qty: 1, unitPriceFen: 3990 },
      ]),
    ).toBe(12990);
    expect(() => orderTotalFen([{ qty: 1.5, unitPriceFen: 100 }])).toThrow();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            qty: fc.integer({ min: 1, max: 999 }),
            unitPriceFen: fc.integer({ min: 0, max: 1_000_000 }),
          }),
        ),
        (lines) => {
          expect(orderTotalFen(lines)).toBe(lines.reduce((s, l) => s + l.qty * l.unitPriceFen, 0));
        },
      ),
    );
  });
  it('never refunds more than paid minus refunded', () => {
    expect(refundableFen(1000, 300)).toBe(700);
    expect(refundableFen(1000, 1200)).toBe(0);
  });
});

describe('changing an order', () => {
  const current = [
    { relayItemId: 'a', qty: 3, unitPriceFen: 100 },
    { relayItemId: 'b', qty: 1, unitPriceFen: 200 },
  ];
  it('reduces or grows, and a change to the same quantities is a no-op; only an unpaid order grows', () => {
    expect(planOrderChange(current, [{ relayItemId: 'a', qty: 1 }])).toEqual([
      { relayItemId: 'a', from: 3, to: 1, unitPriceFen: 100 },
    ]);
    expect(planOrderChange(current, [{ relayItemId: 'a', qty: 3 }])).toEqual([]);
    const up = planOrderChange(current, [{ relayItemId: 'a', qty: 4 }]);
    expect(up).toEqual([{ relayItemId: 'a', from: 3, to: 4, unitPriceFen: 100 }]);
    expect(() => assertIncreaseAllowed('pending_payment', up)).not.toThrow();
    expect(code(() => assertIncreaseAllowed('paid', up))).toBe('ORDER_INCREASE_NOT_ALLOWED');
    expect(code(() => planOrderChange(current, [{ relayItemId: 'z', qty: 1 }]))).toBe('ORDER_LINE_NOT_FOUND');
    expect(
      code(() =>
        planOrderChange(current, [
          { relayItemId: 'a', qty: 0 },
          { relayItemId: 'b', qty: 0 },
        ]),
      ),
    ).toBe('ORDER_WOULD_BE_EMPTY');
    expect(code(() => planOrderChange(current, [{ relayItemId: 'a', qty: -1 }]))).toBe('QTY_NOT_POSITIVE');
    expect(code(() => planOrderChange(current, [{ relayItemId: 'a', qty: 0.5 }]))).toBe('QTY_NOT_INTEGER');
  });
});

describe('成团 threshold', () => {
  it('households or units, counted on what was paid', () => {
    expect(evaluateThreshold({ kind: 'households', value: 30 }, { households: 30, units: 5 }).met).toBe(true);
    expect(
      evaluateThreshold({ kind: 'households', value: 30 }, { households: 29, units: 500 }),
    ).toMatchObject({ met: false, current: 29, target: 30 });
    expect(evaluateThreshold({ kind: 'units', value: 200 }, { households: 1, units: 200 }).met).toBe(true);
    expect(evaluateThreshold({ kind: 'units', value: 200 }, { households: 1, units: 100 }).ratio).toBe(0.5);
    expect(evaluateThreshold({ kind: 'none', value: 0 }, { households: 1, units: 1 }).met).toBe(true);
    expect(evaluateThreshold({ kind: 'none', value: 0 }, { households: 0, units: 0 }).met).toBe(false);
  });
  it('all capped stock sold means every item capped and paid up', () => {
    expect(allStockSold([{ stockCap: 5, paidUnits: 5 }])).toBe(true);
    expect(allStockSold([{ stockCap: 5, paidUnits: 4 }])).toBe(false);
    expect(
      allStockSold([
        { stockCap: 5, paidUnits: 5 },
        { stockCap: null, paidUnits: 100 },
      ]),
    ).toBe(false);
    expect(allStockSold([])).toBe(false);
  });
});

describe('a new relay', () => {
  const now = new Date('2026-04-10T02:00:00Z');
  const base = {
    title: '保供套餐',
    opensAt: now,
    closesAt: new Date('2026-04-10T10:00:00Z'),
    deliveryDate: '2026-04-11',
    threshold: { kind: 'households' as const, value: 30 },
    items: [{ productId: 'p1', stockCap: 100, perHouseholdLimit: 2 }],
  };
  it('checks the window, threshold, caps and limits', () => {
    expect(code(() => validateRelayDraft(base, now))).toBeUndefined();
    expect(code(() => validateRelayDraft({ ...base, title: ' ' }, now))).toBe('RELAY_TITLE_REQUIRED');
    expect(code(() => validateRelayDraft({ ...base, closesAt: now }, now))).toBe('RELAY_WINDOW_INVALID');
    expect(code(() => validateRelayDraft({ ...base, deliveryDate: '2026-04-09' }, now))).toBe(
      'RELAY_DELIVERY_BEFORE_CUTOFF',
    );
    expect(code(() => validateRelayDraft({ ...base, threshold: { kind: 'units', value: 0 } }, now))).toBe(
      'THRESHOLD_INVALID',
    );
    expect(code(() => validateRelayDraft({ ...base, items: [] }, now))).toBe('RELAY_ITEMS_REQUIRED');
    expect(code(() => validateRelayDraft({ ...base, items: [base.items[0]!, base.items[0]!] }, now))).toBe(
      'RELAY_ITEM_DUPLICATE',
    );
    expect(
      code(() =>
        validateRelayDraft(
          { ...base, items: [{ productId: 'p', stockCap: 0, perHouseholdLimit: null }] },
          now,
        ),
      ),
    ).toBe('RELAY_STOCK_CAP_INVALID');
    expect(
      code(() =>
        validateRelayDraft({ ...base, items: [{ productId: 'p', stockCap: 1, perHouseholdLimit: 2 }] }, now),
      ),
    ).toBe('RELAY_LIMIT_ABOVE_CAP');
  });
});

describe('提前截单 with undo (issue 13 item 1)', () => {
  const closedAt = new Date('2026-04-10T10:00:00Z');
  const relay = {
    status: 'closed' as const,
    closeReason: 'manual',
    closeUndoUntil: new Date(closedAt.getTime() + CLOSE_UNDO_SECONDS * 1000),
  };
  it('may be undone only inside its window, and only when closed by hand', () => {
    expect(CLOSE_UNDO_SECONDS).toBeGreaterThanOrEqual(120);
    expect(CLOSE_UNDO_SECONDS).toBeLessThanOrEqual(300);
    expect(closeUndoOpen(relay, closedAt)).toBe(true);
    expect(closeUndoOpen(relay, new Date(relay.closeUndoUntil.getTime() - 1))).toBe(true);
    expect(closeUndoOpen(relay, relay.closeUndoUntil)).toBe(false);
    expect(closeUndoOpen({ ...relay, closeReason: 'cutoff' }, closedAt)).toBe(false);
    expect(closeUndoOpen({ ...relay, status: 'failed' }, closedAt)).toBe(false);
    expect(closeUndoOpen({ ...relay, closeUndoUntil: null }, closedAt)).toBe(false);
  });
  it('previews 成团 or 未成团 on what is paid, and the refunds a failure sends', () => {
    const t = { kind: 'households' as const, value: 3 };
    expect(
      closeOutcomePreview(t, { paidHouseholds: 2, paidUnits: 9, paidOrders: 2, pendingOrders: 4 }),
    ).toEqual({ outcome: 'failed', paidOrders: 2, pendingOrders: 4, refundOrders: 2 });
    expect(
      closeOutcomePreview(t, { paidHouseholds: 3, paidUnits: 3, paidOrders: 3, pendingOrders: 0 }),
    ).toEqual({ outcome: 'formed', paidOrders: 3, pendingOrders: 0, refundOrders: 0 });
    expect(
      closeOutcomePreview(
        { kind: 'none', value: 0 },
        { paidHouseholds: 0, paidUnits: 0, paidOrders: 0, pendingOrders: 1 },
      ).outcome,
    ).toBe('failed');
  });
});
