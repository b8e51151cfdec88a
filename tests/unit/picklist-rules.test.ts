import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  grandTotal,
  qtyPerUnit,
  unitQtyLabel,
  compareRoute,
  deliverQty,
  formatSupports,
  isInRouteOrder,
  isPickable,
  lineLabel,
  makesBag,
  stairwellCounts,
  totalsFromLines,
  viewerMayExport,
  type PickLine,
  type RouteKey,
} from '@/server/services/picklist/rules';
import { fenToYuan } from '@/server/services/shared/money';

describe('route order', () => {
  const k = (o: Partial<RouteKey>): RouteKey => ({
    buildingRoute: 1,
    buildingNumber: '1',
    stairwellRoute: 1,
    stairwellNumber: '1',
    floor: 1,
    room: '101',
    seq: 1,
    ...o,
  });
  it('walks building route, stairwell route, floor, room (naturally), then 接龙号', () => {
    expect(compareRoute(k({ buildingRoute: 1, floor: 9 }), k({ buildingRoute: 2, floor: 1 }))).toBeLessThan(
      0,
    );
    expect(compareRoute(k({ stairwellRoute: 2 }), k({ stairwellRoute: 1, floor: 6 }))).toBeGreaterThan(0);
    expect(compareRoute(k({ floor: 2, room: '201' }), k({ floor: 10, room: '1001' }))).toBeLessThan(0);
    expect(compareRoute(k({ room: '3-2' }), k({ room: '3-10' }))).toBeLessThan(0);
    expect(compareRoute(k({ room: '12A' }), k({ room: '12B' }))).toBeLessThan(0);
    expect(compareRoute(k({ seq: 7 }), k({ seq: 3 }))).toBeGreaterThan(0);
    expect(compareRoute(k({ buildingNumber: '2' }), k({ buildingNumber: '10' }))).toBeLessThan(0);
  });
  it('sorting by it always yields route order (total order)', () => {
    const keyArb = fc.record({
      buildingRoute: fc.nat(5),
      buildingNumber: fc.constantFrom('1', '2', '10', '12A'),
      stairwellRoute: fc.nat(5),
      stairwellNumber: fc.constantFrom('1', '2', '3'),
      floor: fc.integer({ min: -1, max: 30 }),
      room: fc.constantFrom('101', '102', '1001', 'B1', '3-2', '3-10'),
      seq: fc.integer({ min: 1, max: 2000 }),
    });
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 60 }), (keys) => {
        const sorted = [...keys].sort(compareRoute);
        expect(isInRouteOrder(sorted)).toBe(true);
        for (let i = 1; i < sorted.length; i++)
          expect(compareRoute(sorted[i]!, sorted[i - 1]!)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

const line = (o: Partial<PickLine>): PickLine => ({
  productId: 'p1',
  name: '大米',
  spec: '5kg',
  unit: '袋',
  qty: 1,
  unitPriceFen: 3990,
  fulfilledQty: null,
  refundedFen: 0,
  ...o,
});

describe('aggregation', () => {
  it('sums ordered and to-deliver quantities and money per product; a shortfall lowers to-deliver', () => {
    const totals = totalsFromLines([
      { lines: [line({ qty: 2 }), line({ productId: 'p2', name: '鸡蛋', unitPriceFen: 4500 })] },
      { lines: [line({ qty: 3, fulfilledQty: 1, refundedFen: 7980 })] },
    ]);
    expect(totals).toEqual([
      {
        productId: 'p1',
        name: '大米',
        spec: '5kg',
        unit: '袋',
        unitPriceFen: 3990,
        orderedQty: 5,
        deliverQty: 3,
        shortQty: 2,
        amountFen: 5 * 3990,
        refundedFen: 7980,
        bags: 2,
      },
      {
        productId: 'p2',
        name: '鸡蛋',
        spec: '5kg',
        unit: '袋',
        unitPriceFen: 4500,
        orderedQty: 1,
        deliverQty: 1,
        shortQty: 0,
        amountFen: 4500,
        refundedFen: 0,
        bags: 1,
      },
    ]);
  });
  it('shows no unit price when one product sold at two prices', () => {
    expect(
      totalsFromLines([{ lines: [line({})] }, { lines: [line({ unitPriceFen: 3500 })] }])[0]!.unitPriceFen,
    ).toBeNull();
  });
  it('counts households, bags, units and door deliveries per stairwell', () => {
    const bag = (stairwellId: string, householdId: string, lines: PickLine[], doorDelivery = false) => ({
      stairwellId,
      buildingNumber: '3',
      stairwellNumber: stairwellId,
      householdId,
      doorDelivery,
      lines,
    });
    expect(
      stairwellCounts([
        bag('1', 'h1', [line({ qty: 2 })], true),
        bag('1', 'h1', [line({ qty: 1 })]),
        bag('1', 'h2', [line({ qty: 4, fulfilledQty: 3 })]),
        bag('2', 'h3', [line({ qty: 1 })]),
      ]),
    ).toEqual([
      {
        stairwellId: '1',
        buildingNumber: '3',
        stairwellNumber: '1',
        households: 2,
        bags: 3,
        items: 6,
        doorDelivery: 1,
      },
      {
        stairwellId: '2',
        buildingNumber: '3',
        stairwellNumber: '2',
        households: 1,
        bags: 1,
        items: 1,
        doorDelivery: 0,
      },
    ]);
  });
  it('formats money and lines as people read them', () => {
    expect(fenToYuan(3990)).toBe('39.90');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-120)).toBe('-1.20');
    expect(lineLabel(line({ qty: 2 }))).toBe('大米 5kg ×2');
    expect(lineLabel(line({ qty: 2, fulfilledQty: 1 }))).toBe('大米 5kg ×2→1');
    expect(deliverQty({ qty: 3, fulfilledQty: 0 })).toBe(0);
  });
});

describe('合计 per unit', () => {
  const line = (unit: string, qty: number, fulfilledQty: number | null = null) => ({
    unit,
    qty,
    fulfilledQty,
  });
  it('never adds 份 and 盒 together: one sum per unit, in first-seen order', () => {
    const lines = [line('份', 2), line('盒', 1), line('份', 3, 1), line('盒', 2)];
    const g = grandTotal(null, [], lines);
    expect(g.orderedPerUnit).toEqual([
      { unit: '份', qty: 5 },
      { unit: '盒', qty: 3 },
    ]);
    expect(unitQtyLabel(g.deliverPerUnit)).toBe('3 份 + 3 盒');
    expect(unitQtyLabel(g.shortPerUnit)).toBe('2 份');
    expect(unitQtyLabel(qtyPerUnit([]))).toBe('0');
  });
  it('per-unit sums always add back up to the lines (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ unit: fc.constantFrom('份', '盒', '袋', 'kg'), qty: fc.nat(50) })),
        (xs) => {
          const per = qtyPerUnit(xs);
          expect(new Set(per.map((u) => u.unit)).size).toBe(per.length);
          expect(per.reduce((s, u) => s + u.qty, 0)).toBe(xs.reduce((s, x) => s + x.qty, 0));
        },
      ),
    );
  });
});

describe('states and permissions', () => {
  it('has pick lists from formed on, bags for paid orders and their outcomes', () => {
    expect(['formed', 'dispatched', 'arrived', 'distributing', 'completed'].every(isPickable)).toBe(true);
    expect(['draft', 'open', 'closed', 'failed', 'cancelled'].some(isPickable)).toBe(false);
    expect(['paid', 'fulfilled', 'short'].every(makesBag)).toBe(true);
    expect(['pending_payment', 'cancelled', 'expired'].some(makesBag)).toBe(false);
  });
  it('lets volunteers export bag lists only, and refuses format mismatches', () => {
    expect(viewerMayExport('volunteer', 'bags')).toBe(true);
    expect(viewerMayExport('volunteer', 'stairwells')).toBe(true);
    expect(viewerMayExport('volunteer', 'totals')).toBe(false);
    expect(viewerMayExport('volunteer', 'labels')).toBe(false);
    expect(viewerMayExport('merchant', 'labels')).toBe(true);
    expect(formatSupports('labels', 'pdf')).toBe(true);
    expect(formatSupports('labels', 'csv')).toBe(false);
    expect(formatSupports('all', 'csv')).toBe(false);
    expect(formatSupports('all', 'xlsx')).toBe(true);
  });
});
