/**
 * The three views as plain tables (header, rows, totals row), shared by CSV and XLSX so both
 * always carry the same columns. Money cells stay in fen here; each format renders them.
 */
import { lineLabel, productKey, unitQtyLabel } from '@/server/services/picklist/rules';
import type { PickList } from '@/server/services/picklist/types';
import type { ExportText } from './text';

type CellKind = 'text' | 'int' | 'money';
export type Cell = string | number | null;
export type Column = {
  header: string;
  kind: CellKind;
  width: number;
  /** The totals row holds a value that is not the column's sum (e.g. distinct bags). */
  noSum?: boolean;
};
export type Table = {
  /** Sheet name (≤ 31 chars, no []:*?/\). */
  name: string;
  columns: Column[];
  rows: Iterable<Cell[]>;
  rowCount: number;
  /** The totals row; null cells are left blank. */
  footer: Cell[] | null;
};

const text = (header: string, width = 12): Column => ({ header, kind: 'text', width });
const int = (header: string, width = 9): Column => ({ header, kind: 'int', width });
const money = (header: string, width = 11): Column => ({ header, kind: 'money', width });

function totalsTable(pl: PickList, t: ExportText): Table {
  const totals = pl.totals ?? [];
  const sum = (f: (x: (typeof totals)[number]) => number) => totals.reduce((s, x) => s + f(x), 0);
  return {
    name: t.totals,
    columns: [
      text(t.product, 22),
      text(t.spec, 12),
      text(t.unit, 6),
      money(t.unitPrice),
      int(t.ordered),
      int(t.toDeliver),
      int(t.short, 7),
      money(t.amount, 12),
      money(t.refunded),
      { ...int(t.bagCount, 7), noSum: true },
    ],
    rows: totals.map((x) => [
      x.name,
      x.spec,
      x.unit,
      x.unitPriceFen,
      x.orderedQty,
      x.deliverQty,
      x.shortQty,
      x.amountFen,
      x.refundedFen,
      x.bags,
    ]),
    rowCount: totals.length,
    // Quantities in 份 and 盒 do not add up: one sum per unit (`12 份 + 3 盒`), as text.
    footer: [
      t.total,
      null,
      null,
      null,
      unitQtyLabel(pl.grand.orderedPerUnit),
      unitQtyLabel(pl.grand.deliverPerUnit),
      unitQtyLabel(pl.grand.shortPerUnit),
      sum((x) => x.amountFen),
      sum((x) => x.refundedFen),
      pl.grand.bags,
    ],
  };
}

function stairwellsTable(pl: PickList, t: ExportText): Table {
  const s = pl.stairwells;
  return {
    name: t.stairwells,
    columns: [
      text(t.building, 8),
      text(t.stairwell, 8),
      int(t.households),
      int(t.bagCount),
      int(t.items),
      int(t.doorDelivery, 9),
    ],
    rows: s.map((x) => [x.buildingNumber, x.stairwellNumber, x.households, x.bags, x.items, x.doorDelivery]),
    rowCount: s.length,
    footer: [
      t.total,
      null,
      s.reduce((a, x) => a + x.households, 0),
      s.reduce((a, x) => a + x.bags, 0),
      unitQtyLabel(pl.grand.deliverPerUnit),
      s.reduce((a, x) => a + x.doorDelivery, 0),
    ],
  };
}

/** Products in pick order, as columns of the bag table (volunteers have no totals: from the bags). */
function productColumns(pl: PickList): { key: string; label: string }[] {
  const seen = new Map<string, string>();
  const add = (p: { productId: string; name: string; spec: string; unit: string }) => {
    const key = productKey(p);
    if (!seen.has(key)) seen.set(key, p.spec ? `${p.name} ${p.spec}` : p.name);
  };
  if (pl.totals) pl.totals.forEach(add);
  for (const b of pl.bags) b.lines.forEach(add);
  return [...seen].map(([key, label]) => ({ key, label }));
}

/**
 * One row per bag in route order, one column per product holding the quantity to put in the bag
 * (the way the compound's packing spreadsheets were laid out in 2022).
 */
function bagsTable(pl: PickList, t: ExportText): Table {
  const products = productColumns(pl);
  const index = new Map(products.map((p, i) => [p.key, i]));
  const prices = pl.viewer !== 'volunteer';
  const multi = pl.relays.length > 1;
  const relayTitle = new Map(pl.relays.map((r) => [r.id, r.title]));
  const columns: Column[] = [
    int(t.seq, 7),
    ...(multi ? [text(t.relay, 14)] : []),
    text(t.building, 7),
    text(t.stairwell, 7),
    int(t.floor, 6),
    text(t.room, 7),
    text(t.name, 8),
    ...(prices ? [text(t.phoneLast4, 9)] : []),
    text(t.doorDelivery, 8),
    ...products.map((p) => int(p.label, Math.min(18, Math.max(8, p.label.length * 2)))),
    int(t.items, 7),
    ...(prices ? [money(t.amount)] : []),
    text(t.shortfall, 18),
    text(t.note, 18),
  ];
  function* rows(): Iterable<Cell[]> {
    for (const b of pl.bags) {
      const qty: Cell[] = products.map(() => null);
      for (const l of b.lines) {
        const i = index.get(productKey(l))!;
        qty[i] = ((qty[i] as number | null) ?? 0) + l.deliverQty;
      }
      const short = b.lines
        .filter((l) => l.deliverQty !== l.qty)
        .map(lineLabel)
        .join('；');
      yield [
        b.seq,
        ...(multi ? [relayTitle.get(b.relayId) ?? ''] : []),
        b.buildingNumber,
        b.stairwellNumber,
        b.floor,
        b.room,
        b.maskedName,
        ...(prices ? [b.phoneLast4 ?? ''] : []),
        b.doorDelivery ? t.doorDelivery : '',
        ...qty,
        b.items,
        ...(prices ? [b.totalFen] : []),
        short,
        b.note,
      ];
    }
  }
  const productSums = products.map((p) =>
    pl.bags.reduce(
      (s, b) => s + b.lines.filter((l) => productKey(l) === p.key).reduce((a, l) => a + l.deliverQty, 0),
      0,
    ),
  );
  const lead = 1 + (multi ? 1 : 0) + 5 + (prices ? 1 : 0);
  return {
    name: t.bags,
    columns,
    rows: rows(),
    rowCount: pl.bags.length,
    footer: [
      t.total,
      ...Array<Cell>(lead - 1).fill(null),
      pl.bags.filter((b) => b.doorDelivery).length,
      ...productSums,
      unitQtyLabel(pl.grand.deliverPerUnit),
      ...(prices ? [pl.bags.reduce((s, b) => s + (b.totalFen ?? 0), 0)] : []),
      null,
      null,
    ],
  };
}

export function tablesFor(
  pl: PickList,
  view: 'totals' | 'bags' | 'stairwells' | 'all',
  t: ExportText,
): Table[] {
  const volunteer = pl.viewer === 'volunteer';
  switch (view) {
    case 'totals':
      return [totalsTable(pl, t)];
    case 'stairwells':
      return [stairwellsTable(pl, t)];
    case 'bags':
      return [bagsTable(pl, t)];
    case 'all':
      return volunteer
        ? [stairwellsTable(pl, t), bagsTable(pl, t)]
        : [totalsTable(pl, t), stairwellsTable(pl, t), bagsTable(pl, t)];
  }
}
