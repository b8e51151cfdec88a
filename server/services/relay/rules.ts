/**
 * Pure rules of a group-buy relay (接龙): the state machine, money, thresholds, quantities and the
 * masked chain. No database and no clock of their own; unit-tested in tests/unit/relay-rules.test.ts.
 */
import { badRequest, conflict, preconditionFailed } from '@/server/services/shared/errors';
import { maskedPlace, maskName, type Place } from '@/server/services/shared/privacy';
import { localDate } from '@/server/services/shared/time';

// ─── States ─────────────────────────────────────────────────────────────────────────────────────

export type RelayStatus =
  | 'draft'
  | 'open'
  | 'closed'
  | 'formed'
  | 'failed'
  | 'dispatched'
  | 'arrived'
  | 'distributing'
  | 'completed'
  | 'cancelled';

export type RelayAction = 'open' | 'close' | 'reopen' | 'form' | 'fail' | 'cancel';

/**
 * Which states each transition may leave. Every transition is one guarded UPDATE
 * (`… WHERE status IN (from)`), so two app instances racing on the same relay cannot both win.
 * Cancel is allowed until the relay forms: after that the goods are bought and the shortfall
 * settlement (distribution) is the way money goes back.
 */
export const RELAY_TRANSITIONS: Record<RelayAction, { from: readonly RelayStatus[]; to: RelayStatus }> = {
  open: { from: ['draft'], to: 'open' },
  close: { from: ['open'], to: 'closed' },
  /** Undo of 提前截单, only inside its window (`closeUndoOpen`). */
  reopen: { from: ['closed'], to: 'open' },
  form: { from: ['closed'], to: 'formed' },
  fail: { from: ['closed'], to: 'failed' },
  cancel: { from: ['draft', 'open', 'closed'], to: 'cancelled' },
};

const ILLEGAL: Record<RelayAction, { code: string; message: string }> = {
  open: {
    code: 'RELAY_NOT_DRAFT',
    message: '只有草稿状态的接龙可以开始 / Only a draft relay can be opened.',
  },
  close: { code: 'RELAY_NOT_OPEN', message: '只有进行中的接龙可以截单 / Only an open relay can be closed.' },
  reopen: {
    code: 'RELAY_CLOSE_UNDO_EXPIRED',
    message:
      '截单已不能撤销：撤销时间已过，或接龙已有结果 / The close can no longer be undone: the undo time has passed or the relay is already decided.',
  },
  form: {
    code: 'RELAY_NOT_CLOSED',
    message: '接龙尚未截单，不能成团 / The relay must be closed before it can form.',
  },
  fail: { code: 'RELAY_NOT_CLOSED', message: '接龙尚未截单 / The relay must be closed first.' },
  cancel: {
    code: 'RELAY_ALREADY_DECIDED',
    message: '已成团或已结束的接龙不能取消 / A relay that has formed or ended can no longer be cancelled.',
  },
};

export function canTransition(action: RelayAction, from: RelayStatus): boolean {
  return RELAY_TRANSITIONS[action].from.includes(from);
}

/** Throws the stable PRECONDITION_FAILED error of an illegal transition. */
export function assertTransition(action: RelayAction, from: RelayStatus): RelayStatus {
  if (!canTransition(action, from)) {
    const { code, message } = ILLEGAL[action];
    throw preconditionFailed(code, message, { details: { status: from, action } });
  }
  return RELAY_TRANSITIONS[action].to;
}

/** The error a guarded UPDATE that matched no row means: someone moved the relay first. */
export function illegalTransition(action: RelayAction, current: RelayStatus | undefined) {
  const { code, message } = ILLEGAL[action];
  return preconditionFailed(code, message, { details: { status: current ?? null, action } });
}

// ─── 提前截单 with undo ─────────────────────────────────────────────────────────────────────────

/**
 * How long a merchant may undo 提前截单 (closing by hand before the cutoff). Meanwhile the relay is
 * `closed` (nobody joins) but not decided: no 成团 / 未成团, no cancelled order, no refund. Three
 * minutes: long enough to notice a mis-tap and read the confirmation again, short enough that
 * residents learn the outcome promptly.
 */
export const CLOSE_UNDO_SECONDS = 180;

/**
 * The undo window in force: CLOSE_UNDO_SECONDS, or LINLI_TEST_CLOSE_UNDO_SECONDS when set (the
 * browser journeys shorten it, as they shorten the gate's dwell, so a journey need not wait 3 minutes).
 */
export function closeUndoSeconds(raw = process.env.LINLI_TEST_CLOSE_UNDO_SECONDS): number {
  const n = raw == null || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : CLOSE_UNDO_SECONDS;
}

/** The relay was closed by hand and its undo window is still running at `now`. */
export function closeUndoOpen(
  relay: { status: RelayStatus; closeReason: string | null; closeUndoUntil: Date | null },
  now: Date,
): boolean {
  return (
    relay.status === 'closed' &&
    relay.closeReason === 'manual' &&
    relay.closeUndoUntil !== null &&
    now.getTime() < relay.closeUndoUntil.getTime()
  );
}

/**
 * What 提前截单 would do at the current count, for the confirmation: formed or failed on what is
 * paid now, and how many paid orders a failure refunds. Unpaid holds may still pay until their hold
 * ends, so they are reported separately (they can turn a failure into 成团).
 */
export function closeOutcomePreview(
  threshold: Threshold,
  tally: { paidHouseholds: number; paidUnits: number; paidOrders: number; pendingOrders: number },
): { outcome: 'formed' | 'failed'; paidOrders: number; pendingOrders: number; refundOrders: number } {
  const met = evaluateThreshold(threshold, {
    households: tally.paidHouseholds,
    units: tally.paidUnits,
  }).met;
  return {
    outcome: met ? 'formed' : 'failed',
    paidOrders: tally.paidOrders,
    pendingOrders: tally.pendingOrders,
    refundOrders: met ? 0 : tally.paidOrders,
  };
}

export type OrderStatus = 'pending_payment' | 'paid' | 'fulfilled' | 'short' | 'cancelled' | 'expired';
/** Orders that hold stock and appear in the chain. */
export const ACTIVE_ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid'];

// ─── Joining ────────────────────────────────────────────────────────────────────────────────────

export type JoinWindow = { status: RelayStatus; opensAt: Date; closesAt: Date };

/**
 * Whether a relay takes orders (and changes to orders) at `now`; the specific reason otherwise,
 * so a resident is told "not open yet" rather than a generic refusal.
 */
export function assertJoinable(relay: JoinWindow, now: Date): void {
  if (relay.status === 'draft' || (relay.status === 'open' && now < relay.opensAt)) {
    throw preconditionFailed('RELAY_NOT_YET_OPEN', '接龙还没开始 / This relay has not opened yet.', {
      details: { opensAt: relay.opensAt.toISOString() },
    });
  }
  if (relay.status === 'failed') {
    throw preconditionFailed('RELAY_FAILED', '该接龙未成团，已结束 / This relay did not form and has ended.');
  }
  if (relay.status === 'cancelled') {
    throw preconditionFailed('RELAY_CANCELLED', '该接龙已被商家取消 / The merchant cancelled this relay.');
  }
  if (relay.status !== 'open' || now >= relay.closesAt) {
    throw preconditionFailed('RELAY_CLOSED', '该接龙已截单 / This relay is closed.', {
      details: { closesAt: relay.closesAt.toISOString() },
    });
  }
}

export type ItemRule = {
  id: string;
  name: string;
  unitPriceFen: number;
  stockCap: number | null;
  sold: number;
  perHouseholdLimit: number | null;
};

export type RequestedLine = { relayItemId: string; qty: number };

/**
 * Validates the lines of a join against the relay's items (before any stock is taken):
 * positive whole quantities, each item of this relay and named once, within the per-household
 * limit on its own. Returns the lines merged and sorted by item id — the fixed order in which
 * stock rows are locked, so two joins never wait on each other in opposite orders (no deadlock).
 */
export function normalizeJoinLines(
  lines: readonly RequestedLine[],
  items: readonly ItemRule[],
): RequestedLine[] {
  if (lines.length === 0)
    throw badRequest('ORDER_EMPTY', '请至少选择一件商品 / Choose at least one item.', { field: 'lines' });
  const byId = new Map(items.map((i) => [i.id, i]));
  const merged = new Map<string, number>();
  lines.forEach((l, index) => {
    validateQty(l.qty, `lines.${index}.qty`);
    if (!byId.has(l.relayItemId)) {
      throw badRequest(
        'RELAY_ITEM_NOT_IN_RELAY',
        '所选商品不属于这个接龙 / That item is not part of this relay.',
        {
          field: `lines.${index}.relayItemId`,
          details: { relayItemId: l.relayItemId },
        },
      );
    }
    merged.set(l.relayItemId, (merged.get(l.relayItemId) ?? 0) + l.qty);
  });
  const out = [...merged.entries()].map(([relayItemId, qty]) => ({ relayItemId, qty }));
  for (const l of out) {
    const item = byId.get(l.relayItemId)!;
    if (item.perHouseholdLimit !== null && l.qty > item.perHouseholdLimit) {
      throw householdLimitError(item, 0);
    }
  }
  return out.sort((a, b) => (a.relayItemId < b.relayItemId ? -1 : a.relayItemId > b.relayItemId ? 1 : 0));
}

export function householdLimitError(
  item: Pick<ItemRule, 'id' | 'name' | 'perHouseholdLimit'>,
  already: number,
) {
  return badRequest(
    'RELAY_HOUSEHOLD_LIMIT',
    `「${item.name}」每户限购 ${item.perHouseholdLimit} 份 / ${item.name}: at most ${item.perHouseholdLimit} per household.`,
    {
      field: 'lines',
      details: { relayItemId: item.id, itemName: item.name, limit: item.perHouseholdLimit, already },
    },
  );
}

/** CONFLICT: the request was fine, another household got the last units first. Names the item. */
export function soldOutError(item: Pick<ItemRule, 'id' | 'name'>, left: number | null) {
  return conflict(
    'RELAY_SOLD_OUT',
    left && left > 0
      ? `「${item.name}」只剩 ${left} 份了 / Only ${left} of ${item.name} left.`
      : `「${item.name}」已抢完 / ${item.name} is sold out.`,
    { field: 'lines', details: { relayItemId: item.id, itemName: item.name, remaining: left ?? 0 } },
  );
}

/** A quantity is a positive whole number of units (zod checks it first; services check again). */
export function validateQty(qty: number, field = 'qty'): void {
  if (typeof qty !== 'number' || !Number.isFinite(qty) || !Number.isInteger(qty)) {
    throw badRequest('QTY_NOT_INTEGER', '数量必须是整数 / The quantity must be a whole number.', { field });
  }
  if (qty <= 0)
    throw badRequest('QTY_NOT_POSITIVE', '数量至少为 1 / The quantity must be at least 1.', { field });
  if (qty > MAX_QTY)
    throw badRequest('QTY_TOO_LARGE', `数量不能超过 ${MAX_QTY} / At most ${MAX_QTY}.`, { field });
}
/** A sanity bound far above any household's need, so a typo cannot lock a whole cap. */
export const MAX_QTY = 999;

/** Units still available of an item; null when it has no cap. */
export function remaining(item: Pick<ItemRule, 'stockCap' | 'sold'>): number | null {
  return item.stockCap === null ? null : Math.max(0, item.stockCap - item.sold);
}

// ─── Money ──────────────────────────────────────────────────────────────────────────────────────

export type PricedLine = { qty: number; unitPriceFen: number };

/** Order total in fen: the sum of its lines, computed on the server from the snapshotted prices. */
export function orderTotalFen(lines: readonly PricedLine[]): number {
  let total = 0;
  for (const l of lines) {
    if (!Number.isInteger(l.qty) || !Number.isInteger(l.unitPriceFen))
      throw new Error('fen and quantities are integers');
    total += l.qty * l.unitPriceFen;
  }
  if (!Number.isSafeInteger(total)) throw new Error('order total out of range');
  return total;
}

/**
 * What may still be refunded of an order: what was paid minus what was already refunded (or is
 * being refunded). Never negative.
 */
export function refundableFen(paidFen: number, refundedOrPendingFen: number): number {
  return Math.max(0, paidFen - refundedOrPendingFen);
}

/** The moment an unpaid order gives its stock back. */
export function holdUntil(now: Date, unpaidHoldMinutes: number): Date {
  const minutes = Number.isFinite(unpaidHoldMinutes) && unpaidHoldMinutes > 0 ? unpaidHoldMinutes : 15;
  return new Date(now.getTime() + minutes * 60_000);
}

// ─── Changing an order ──────────────────────────────────────────────────────────────────────────

export type OrderLineState = { relayItemId: string; qty: number; unitPriceFen: number };

export type LineChange = { relayItemId: string; from: number; to: number; unitPriceFen: number };

/**
 * A change of quantities on an existing order while the relay is open: a line may go down (to 0 =
 * removed) or up (more units: the stock and the household limit are checked in the write, with
 * the join's conditional UPDATEs, `order-stock.ts`). Only an unpaid order may grow (its amount due
 * changes); a paid one is refused with ORDER_INCREASE_NOT_ALLOWED (`assertIncreaseAllowed`):
 * the extra is a new 接龙 (docs/PAYMENTS.md). Quantities are absolute targets, so a retried change
 * is a no-op: returns the lines that change (none when the order already looks like this), sorted
 * by item id (the stock lock order).
 */
export function assertIncreaseAllowed(status: string, changes: readonly LineChange[]): void {
  const up = changes.find((c) => c.to > c.from);
  if (up && status !== 'pending_payment') {
    throw preconditionFailed(
      'ORDER_INCREASE_NOT_ALLOWED',
      '已付款的订单不能加量；想多买请再接一单 / A paid order cannot grow; join again to buy more.',
      { field: 'lines', details: { relayItemId: up.relayItemId, current: up.from } },
    );
  }
}

export function planOrderChange(
  current: readonly OrderLineState[],
  wanted: readonly RequestedLine[],
): LineChange[] {
  const byItem = new Map(current.map((l) => [l.relayItemId, l]));
  const seen = new Set<string>();
  const changes: LineChange[] = [];
  wanted.forEach((w, index) => {
    const line = byItem.get(w.relayItemId);
    if (!line) {
      throw badRequest('ORDER_LINE_NOT_FOUND', '订单里没有这件商品 / That item is not in this order.', {
        field: `lines.${index}.relayItemId`,
      });
    }
    if (seen.has(w.relayItemId)) {
      throw badRequest('ORDER_LINE_DUPLICATE', '同一商品只能出现一次 / Each item may appear once.', {
        field: `lines.${index}`,
      });
    }
    seen.add(w.relayItemId);
    if (!Number.isInteger(w.qty)) {
      throw badRequest('QTY_NOT_INTEGER', '数量必须是整数 / The quantity must be a whole number.', {
        field: `lines.${index}.qty`,
      });
    }
    if (w.qty < 0) {
      throw badRequest('QTY_NOT_POSITIVE', '数量不能为负数 / The quantity cannot be negative.', {
        field: `lines.${index}.qty`,
      });
    }
    if (w.qty !== line.qty)
      changes.push({
        relayItemId: w.relayItemId,
        from: line.qty,
        to: w.qty,
        unitPriceFen: line.unitPriceFen,
      });
  });
  if (changes.length === 0) return [];
  const after = current.map((l) =>
    seen.has(l.relayItemId) ? wanted.find((w) => w.relayItemId === l.relayItemId)!.qty : l.qty,
  );
  if (after.every((q) => q === 0)) {
    throw badRequest(
      'ORDER_WOULD_BE_EMPTY',
      '要全部取消，请用“取消订单” / To drop everything, cancel the order.',
      { field: 'lines' },
    );
  }
  return changes.sort((a, b) => (a.relayItemId < b.relayItemId ? -1 : a.relayItemId > b.relayItemId ? 1 : 0));
}

// ─── Threshold (成团) ─────────────────────────────────────────────────────────────────────────────

type Threshold = { kind: 'none' | 'households' | 'units'; value: number };
export type Tally = { households: number; units: number };

export function validateThreshold(t: Threshold): void {
  if (t.kind === 'none') {
    if (t.value !== 0)
      throw badRequest(
        'THRESHOLD_INVALID',
        '未设成团门槛时数值应为 0 / No threshold: leave the value at 0.',
        { field: 'threshold' },
      );
    return;
  }
  if (!Number.isInteger(t.value) || t.value < 1) {
    throw badRequest(
      'THRESHOLD_INVALID',
      '成团门槛必须是正整数 / The threshold must be a positive whole number.',
      {
        field: 'threshold.value',
      },
    );
  }
}

/**
 * Whether the relay forms, and how far along it is. Counted over PAID orders at decision time:
 * the merchant buys with money actually collected. No threshold still needs one paid order —
 * a relay with nobody in it has nothing to deliver.
 */
export function evaluateThreshold(
  t: Threshold,
  tally: Tally,
): { met: boolean; current: number; target: number; ratio: number } {
  if (t.kind === 'none') {
    const met = tally.households > 0;
    return { met, current: tally.households, target: 0, ratio: met ? 1 : 0 };
  }
  const current = t.kind === 'households' ? tally.households : tally.units;
  return { met: current >= t.value, current, target: t.value, ratio: Math.min(1, current / t.value) };
}

export type StockState = { stockCap: number | null; paidUnits: number };

/**
 * "All capped stock is sold": every item has a cap and paid orders hold all of it. Counting paid
 * units (not merely reserved ones) keeps the relay open while unpaid holds may still lapse and
 * give units back to someone else.
 */
export function allStockSold(items: readonly StockState[]): boolean {
  return items.length > 0 && items.every((i) => i.stockCap !== null && i.paidUnits >= i.stockCap);
}

// ─── The chain (接龙) ────────────────────────────────────────────────────────────────────────────

export type ChainPlace = Place;

export type ChainLine = { name: string; qty: number };

/** `鸡蛋×2 大米×1` */
export function chainLines(lines: readonly ChainLine[]): string {
  return lines.map((l) => `${l.name}×${l.qty}`).join(' ');
}

/** `#23 3号楼 2单元 2**室 张* — 鸡蛋×2 大米×1`: how every resident sees every other entry. */
export function formatChainEntry(
  e: { seq: number; place: ChainPlace; name: string | null; lines: readonly ChainLine[] },
  locale: 'zh-CN' | 'en' = 'zh-CN',
): string {
  const who = [maskedPlace(e.place, locale), maskName(e.name)].filter(Boolean).join(' ');
  return `#${e.seq} ${who} — ${chainLines(e.lines)}`;
}

// ─── Creating a relay ───────────────────────────────────────────────────────────────────────────

export type RelayDraft = {
  title: string;
  opensAt: Date;
  closesAt: Date;
  deliveryDate: string;
  threshold: Threshold;
  items: { productId: string; stockCap: number | null; perHouseholdLimit: number | null }[];
};

/** Checks a relay before it is saved: a window that makes sense, sane caps and limits, no duplicates. */
export function validateRelayDraft(d: RelayDraft, now: Date): void {
  if (!d.title.trim())
    throw badRequest('RELAY_TITLE_REQUIRED', '请填写标题 / Give the relay a title.', { field: 'title' });
  if (!(d.closesAt > d.opensAt)) {
    throw badRequest(
      'RELAY_WINDOW_INVALID',
      '截单时间必须晚于开始时间 / The cutoff must be after the opening time.',
      {
        field: 'closesAt',
      },
    );
  }
  if (d.closesAt <= now) {
    throw badRequest('RELAY_CUTOFF_PAST', '截单时间已经过去了 / The cutoff time is already past.', {
      field: 'closesAt',
    });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.deliveryDate)) {
    throw badRequest('RELAY_DELIVERY_DATE_INVALID', '请填写配送日期 / Give a delivery date.', {
      field: 'deliveryDate',
    });
  }
  const closesDay = localDate(d.closesAt);
  if (d.deliveryDate < closesDay) {
    throw badRequest(
      'RELAY_DELIVERY_BEFORE_CUTOFF',
      '配送日期不能早于截单日 / Delivery cannot be before the cutoff day.',
      {
        field: 'deliveryDate',
      },
    );
  }
  validateThreshold(d.threshold);
  if (d.items.length === 0)
    throw badRequest('RELAY_ITEMS_REQUIRED', '请至少选择一件商品 / Choose at least one item.', {
      field: 'items',
    });
  const seen = new Set<string>();
  d.items.forEach((i, index) => {
    if (seen.has(i.productId)) {
      throw badRequest('RELAY_ITEM_DUPLICATE', '同一商品只能加一次 / Each product may be added once.', {
        field: `items.${index}.productId`,
      });
    }
    seen.add(i.productId);
    if (i.stockCap !== null && (!Number.isInteger(i.stockCap) || i.stockCap < 1)) {
      throw badRequest(
        'RELAY_STOCK_CAP_INVALID',
        '库存上限必须是正整数 / The stock cap must be a positive whole number.',
        {
          field: `items.${index}.stockCap`,
        },
      );
    }
    if (i.perHouseholdLimit !== null && (!Number.isInteger(i.perHouseholdLimit) || i.perHouseholdLimit < 1)) {
      throw badRequest(
        'RELAY_LIMIT_INVALID',
        '每户限购必须是正整数 / The per-household limit must be a positive whole number.',
        {
          field: `items.${index}.perHouseholdLimit`,
        },
      );
    }
    if (i.stockCap !== null && i.perHouseholdLimit !== null && i.perHouseholdLimit > i.stockCap) {
      throw badRequest(
        'RELAY_LIMIT_ABOVE_CAP',
        '每户限购不能超过库存 / The per-household limit cannot exceed the stock.',
        {
          field: `items.${index}.perHouseholdLimit`,
        },
      );
    }
  });
}

// ─── Links in notifications ─────────────────────────────────────────────────────────────────────

/** Where a household follows its orders. */
export function ordersHref(communityId: string): string {
  return `/r/${communityId}/orders`;
}

export function relayHref(communityId: string, relayId: string): string {
  return `/r/${communityId}/relays/${relayId}`;
}

export function payHref(communityId: string, orderId: string): string {
  return `/pay/${orderId}?c=${communityId}`;
}
