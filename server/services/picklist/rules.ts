/**
 * Pure pick-list rules: which orders count, route order, masking, aggregation. No database here,
 * so every rule is unit-tested and property-tested on its own.
 */

/** Relay states in which the merchant packs and the compound receives: a pick list exists. */
export const PICKABLE_RELAY_STATUSES = [
  'formed',
  'dispatched',
  'arrived',
  'distributing',
  'completed',
] as const;
type PickableRelayStatus = (typeof PICKABLE_RELAY_STATUSES)[number];

/** Orders that make a bag: paid, and the later outcomes of a paid order. Cancelled / expired / unpaid never do. */
export const BAG_ORDER_STATUSES = ['paid', 'fulfilled', 'short'] as const;
type BagOrderStatus = (typeof BAG_ORDER_STATUSES)[number];

export function isPickable(status: string): status is PickableRelayStatus {
  return (PICKABLE_RELAY_STATUSES as readonly string[]).includes(status);
}

export function makesBag(status: string): status is BagOrderStatus {
  return (BAG_ORDER_STATUSES as readonly string[]).includes(status);
}

/** Who is looking decides what is shown: a volunteer never sees prices or phones. */
export type Viewer = 'merchant' | 'coordinator' | 'volunteer';

export type ExportKind = 'totals' | 'bags' | 'stairwells' | 'all' | 'labels';
export type ExportFormat = 'csv' | 'xlsx' | 'pdf';
export const EXPORT_KINDS: readonly ExportKind[] = ['totals', 'bags', 'stairwells', 'all', 'labels'];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'pdf'];

/**
 * What a viewer may export. Volunteers carry bags, they do not pick or pay: their own stairwells'
 * bag list and counts only (no totals with money, no labels, which the packer prints).
 */
export function viewerMayExport(viewer: Viewer, kind: ExportKind): boolean {
  if (viewer === 'volunteer') return kind === 'bags' || kind === 'stairwells';
  return true;
}

/** A CSV file holds one table; labels are a print layout. Other combinations are refused. */
export function formatSupports(kind: ExportKind, format: ExportFormat): boolean {
  if (kind === 'labels') return format === 'pdf';
  if (kind === 'all') return format !== 'csv';
  return true;
}

// ---------------------------------------------------------------------------------------------
// Route order

/** Natural comparison: `2` < `10`, `12A` < `12B`, `3-2` < `3-10`; case- and width-insensitive. */
const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });
function naturalCompare(a: string, b: string): number {
  // Most comparisons while sorting a route are within one building or stairwell: skip the collator.
  return a === b ? 0 : collator.compare(a, b);
}

export type RouteKey = {
  buildingRoute: number;
  buildingNumber: string;
  stairwellRoute: number;
  stairwellNumber: string;
  floor: number;
  room: string;
  seq: number;
  /** Ties between relays (delivery-date view): earlier relay first. */
  relayOrder?: number;
};

/**
 * The order volunteers walk: building route, stairwell route, then floor and room, then 接龙号.
 * The numbers break route-order ties so the order is total and stable.
 */
export function compareRoute(a: RouteKey, b: RouteKey): number {
  return (
    a.buildingRoute - b.buildingRoute ||
    naturalCompare(a.buildingNumber, b.buildingNumber) ||
    a.stairwellRoute - b.stairwellRoute ||
    naturalCompare(a.stairwellNumber, b.stairwellNumber) ||
    a.floor - b.floor ||
    naturalCompare(a.room, b.room) ||
    (a.relayOrder ?? 0) - (b.relayOrder ?? 0) ||
    a.seq - b.seq
  );
}

export function isInRouteOrder(keys: readonly RouteKey[]): boolean {
  for (let i = 1; i < keys.length; i++) if (compareRoute(keys[i - 1]!, keys[i]!) > 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Lines, bags and totals

export type PickLine = {
  productId: string;
  name: string;
  spec: string;
  unit: string;
  qty: number;
  unitPriceFen: number;
  /** Set once a shortfall is recorded; null means "deliver what was ordered". */
  fulfilledQty: number | null;
  refundedFen: number;
};

/** What goes into the bag: the recorded delivered quantity once a shortfall is known, else what was ordered. */
export function deliverQty(line: Pick<PickLine, 'qty' | 'fulfilledQty'>): number {
  return line.fulfilledQty ?? line.qty;
}

export type ProductTotal = {
  productId: string;
  name: string;
  spec: string;
  unit: string;
  /** Null when the same product sold at different prices in the relays summed here. */
  unitPriceFen: number | null;
  orderedQty: number;
  deliverQty: number;
  shortQty: number;
  amountFen: number;
  refundedFen: number;
  /** Bags that hold this product. */
  bags: number;
};

export function productKey(l: Pick<PickLine, 'productId' | 'name' | 'spec' | 'unit'>): string {
  return `${l.productId}\u0000${l.name}\u0000${l.spec}\u0000${l.unit}`;
}

/**
 * Totals per product from bag lines: the reference the SQL aggregate is tested against (the
 * service computes totals in SQL; this is how they must come out).
 */
export function totalsFromLines(bags: readonly { lines: readonly PickLine[] }[]): ProductTotal[] {
  const byKey = new Map<string, ProductTotal>();
  for (const bag of bags) {
    const seen = new Set<string>();
    for (const l of bag.lines) {
      const key = productKey(l);
      let t = byKey.get(key);
      if (!t) {
        t = {
          productId: l.productId,
          name: l.name,
          spec: l.spec,
          unit: l.unit,
          unitPriceFen: l.unitPriceFen,
          orderedQty: 0,
          deliverQty: 0,
          shortQty: 0,
          amountFen: 0,
          refundedFen: 0,
          bags: 0,
        };
        byKey.set(key, t);
      }
      if (t.unitPriceFen !== l.unitPriceFen) t.unitPriceFen = null;
      t.orderedQty += l.qty;
      t.deliverQty += deliverQty(l);
      t.shortQty += l.qty - deliverQty(l);
      t.amountFen += l.qty * l.unitPriceFen;
      t.refundedFen += l.refundedFen;
      if (!seen.has(key)) {
        t.bags += 1;
        seen.add(key);
      }
    }
  }
  return [...byKey.values()];
}

export type StairwellCount = {
  stairwellId: string;
  buildingNumber: string;
  stairwellNumber: string;
  /** Households with at least one bag. */
  households: number;
  bags: number;
  /** Units to deliver (after recorded shortfalls). */
  items: number;
  /** Bags for care households (deliver to the door). */
  doorDelivery: number;
};

type BagForCount = {
  stairwellId: string;
  buildingNumber: string;
  stairwellNumber: string;
  householdId: string;
  doorDelivery: boolean;
  lines: readonly Pick<PickLine, 'qty' | 'fulfilledQty'>[];
};

/** Per-stairwell counts, in the order the bags come (route order in, route order out). */
export function stairwellCounts(bags: readonly BagForCount[]): StairwellCount[] {
  const byId = new Map<string, StairwellCount & { hh: Set<string> }>();
  for (const b of bags) {
    let c = byId.get(b.stairwellId);
    if (!c) {
      c = {
        stairwellId: b.stairwellId,
        buildingNumber: b.buildingNumber,
        stairwellNumber: b.stairwellNumber,
        households: 0,
        bags: 0,
        items: 0,
        doorDelivery: 0,
        hh: new Set(),
      };
      byId.set(b.stairwellId, c);
    }
    c.hh.add(b.householdId);
    c.bags += 1;
    if (b.doorDelivery) c.doorDelivery += 1;
    for (const l of b.lines) c.items += deliverQty(l);
  }
  return [...byId.values()].map(({ hh, ...c }) => ({ ...c, households: hh.size }));
}

/** A quantity in one unit (份, 盒, 袋 …): quantities in different units never add up. */
type UnitQty = { unit: string; qty: number };

/** Sums per unit, units in the order they first appear. */
export function qtyPerUnit(items: Iterable<UnitQty>): UnitQty[] {
  const by = new Map<string, number>();
  for (const x of items) by.set(x.unit, (by.get(x.unit) ?? 0) + x.qty);
  return [...by].map(([unit, qty]) => ({ unit, qty }));
}

/** `12 份 + 3 盒` (units as the merchant entered them); `0` when there is nothing. */
export function unitQtyLabel(list: readonly UnitQty[]): string {
  const parts = list.filter((u) => u.qty !== 0).map((u) => `${u.qty} ${u.unit}`.trim());
  return parts.length ? parts.join(' + ') : '0';
}

export type GrandTotal = {
  bags: number;
  households: number;
  /** Units across products (a count of pieces, 件): never shown as a 合计 of quantities. */
  orderedQty: number;
  deliverQty: number;
  /** The 合计 of quantities: one sum per unit. */
  orderedPerUnit: UnitQty[];
  deliverPerUnit: UnitQty[];
  shortPerUnit: UnitQty[];
  /** Null when the viewer sees no prices (volunteers). */
  amountFen: number | null;
  refundedFen: number | null;
};

export function grandTotal(
  totals: readonly ProductTotal[] | null,
  counts: readonly StairwellCount[],
  lines: readonly Pick<PickLine, 'unit' | 'qty' | 'fulfilledQty'>[],
): GrandTotal {
  const ordered = qtyPerUnit(lines.map((l) => ({ unit: l.unit, qty: l.qty })));
  const deliver = qtyPerUnit(lines.map((l) => ({ unit: l.unit, qty: deliverQty(l) })));
  return {
    bags: counts.reduce((s, c) => s + c.bags, 0),
    households: counts.reduce((s, c) => s + c.households, 0),
    orderedQty: lines.reduce((s, l) => s + l.qty, 0),
    deliverQty: counts.reduce((s, c) => s + c.items, 0),
    orderedPerUnit: ordered,
    deliverPerUnit: deliver,
    shortPerUnit: ordered.map((o, i) => ({ unit: o.unit, qty: o.qty - deliver[i]!.qty })),
    amountFen: totals ? totals.reduce((s, t) => s + t.amountFen, 0) : null,
    refundedFen: totals ? totals.reduce((s, t) => s + t.refundedFen, 0) : null,
  };
}

/** `大米 5kg/袋 ×2` — one line of a bag as people read it; a shortfall shows as `×2→1`. */
export function lineLabel(l: Pick<PickLine, 'name' | 'spec' | 'qty' | 'fulfilledQty'>): string {
  const spec = l.spec ? ` ${l.spec}` : '';
  const d = deliverQty(l);
  return d === l.qty ? `${l.name}${spec} ×${l.qty}` : `${l.name}${spec} ×${l.qty}→${d}`;
}
