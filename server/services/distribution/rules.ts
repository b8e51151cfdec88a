/**
 * Pure rules of the gate-to-door stretch: shortfall allocation, the batch and bag state machines,
 * the disinfection dwell. No database, no clock of their own: unit-tested in tests/unit.
 */
import { badRequest } from '@/server/services/shared/errors';

// ─── Shortfall allocation ──────────────────────────────────────────────────────────────────────

export type ShortfallLine = {
  orderId: string;
  /** 接龙号: who joined first is served first. */
  seq: number;
  householdId: string;
  qty: number;
  unitPriceFen: number;
};

export type LineAllocation = {
  orderId: string;
  seq: number;
  householdId: string;
  orderedQty: number;
  fulfilledQty: number;
  shortQty: number;
  /** Exactly the value not delivered: shortQty × the unit price the household paid. */
  refundFen: number;
};

export function orderedTotal(lines: readonly ShortfallLine[]): number {
  return lines.reduce((n, l) => n + l.qty, 0);
}

/**
 * Checks a delivered quantity against what was ordered: a whole number from 0 to the ordered total.
 * Anything else is the merchant's typing error, never a silent clamp.
 */
export function validateDeliveredQty(deliveredQty: number, ordered: number, field = 'deliveredQty'): void {
  if (!Number.isInteger(deliveredQty)) {
    throw badRequest(
      'DELIVERED_QTY_NOT_INTEGER',
      `送达数量必须是整数 / The delivered quantity must be a whole number.`,
      { field },
    );
  }
  if (deliveredQty < 0) {
    throw badRequest(
      'DELIVERED_QTY_NEGATIVE',
      '送达数量不能为负数 / The delivered quantity cannot be negative.',
      { field },
    );
  }
  if (deliveredQty > ordered) {
    throw badRequest(
      'DELIVERED_QTY_EXCEEDS_ORDERED',
      `送达数量 ${deliveredQty} 超过了订购数量 ${ordered} / Delivered ${deliveredQty} is more than the ${ordered} ordered.`,
      { field, details: { ordered, delivered: deliveredQty } },
    );
  }
}

/**
 * Who goes short when fewer units arrive than were ordered: first come, first served (as Foodsoft
 * does) — orders are filled in 接龙号 order until the delivered units run out, so the households
 * that joined last are the ones refunded. Sequence numbers are unique within a relay; equal ones
 * (never expected) fall back to the order id so the result never depends on input order.
 * Returns one allocation per line, in the order they were filled.
 */
export function allocateShortfall(lines: readonly ShortfallLine[], deliveredQty: number): LineAllocation[] {
  validateDeliveredQty(deliveredQty, orderedTotal(lines));
  const sorted = [...lines].sort(
    (a, b) => a.seq - b.seq || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0),
  );
  let remaining = deliveredQty;
  return sorted.map((l) => {
    const fulfilledQty = Math.min(l.qty, remaining);
    remaining -= fulfilledQty;
    const shortQty = l.qty - fulfilledQty;
    return {
      orderId: l.orderId,
      seq: l.seq,
      householdId: l.householdId,
      orderedQty: l.qty,
      fulfilledQty,
      shortQty,
      refundFen: shortQty * l.unitPriceFen,
    };
  });
}

/** One refund per order: the sum over its short lines (a household gets one partial refund, not one per item). */
export function refundsPerOrder(
  allocations: readonly Pick<LineAllocation, 'orderId' | 'refundFen'>[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of allocations) {
    if (a.refundFen <= 0) continue;
    out.set(a.orderId, (out.get(a.orderId) ?? 0) + a.refundFen);
  }
  return out;
}

// ─── State machines (docs/ARCHITECTURE.md, Lifecycles) ──────────────────────────────────────────

export const BATCH_STATUSES = ['received', 'disinfecting', 'released', 'distributing', 'completed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BATCH_TRANSITIONS: Readonly<Record<BatchStatus, readonly BatchStatus[]>> = {
  received: ['disinfecting'],
  disinfecting: ['released'],
  // A batch whose every bag is settled without a check-off (all refunded) completes straight away.
  released: ['distributing', 'completed'],
  distributing: ['completed'],
  // Only the undo of the check-off that completed it (undo-check-off.ts): a bag is open again.
  completed: ['distributing'],
};

export function canTransitionBatch(from: BatchStatus, to: BatchStatus): boolean {
  return BATCH_TRANSITIONS[from].includes(to);
}

export const BAG_STATUSES = ['pending', 'delivered', 'exception', 'refunded'] as const;
export type BagStatus = (typeof BAG_STATUSES)[number];

export const BAG_TRANSITIONS: Readonly<Record<BagStatus, readonly BagStatus[]>> = {
  // pending → refunded only when the merchant delivered nothing of the order (nothing to carry).
  pending: ['delivered', 'exception', 'refunded'],
  // An exception is retried (nobody home → delivered later) or refunded by the merchant.
  exception: ['delivered', 'refunded'],
  // Only the undo of a ✓ 送达 within CHECKOFF_UNDO_MINUTES (undo-check-off.ts): back to where it was.
  delivered: ['pending', 'exception'],
  refunded: [],
};

export function canTransitionBag(from: BagStatus, to: BagStatus): boolean {
  return BAG_TRANSITIONS[from].includes(to);
}

/** Batches whose bags may be checked off. */
export const CHECKOFF_BATCH_STATUSES: readonly BatchStatus[] = ['released', 'distributing'];

export function isBatchReleased(status: BatchStatus): boolean {
  return status === 'released' || status === 'distributing' || status === 'completed';
}

/** A bag is finished when nothing more happens to it without someone deciding (delivered or refunded). */
function isBagSettled(status: BagStatus): boolean {
  return status === 'delivered' || status === 'refunded';
}

/**
 * How long a ✓ 送达 may be undone (a mis-tap on the stairs): 5 minutes on the volunteer's phone
 * clock, from the check-off to the undo. Both times are the phone's, so an undo queued offline
 * right after the check-off is honoured when both sync later.
 */
export const CHECKOFF_UNDO_MINUTES = 5;

/** The undo at `undoAt` (phone clock) of a check-off made at `checkoffAt` (phone clock) is in time. */
export function checkoffUndoInTime(checkoffAt: Date, undoAt: Date): boolean {
  const d = undoAt.getTime() - checkoffAt.getTime();
  return d >= 0 && d <= CHECKOFF_UNDO_MINUTES * 60_000;
}

/** A batch is complete when every bag is delivered or refunded. */
export function isBatchComplete(statuses: readonly BagStatus[]): boolean {
  return statuses.every(isBagSettled);
}

export const EXCEPTION_KINDS = ['nobody_home', 'damaged', 'item_missing', 'wrong_bag'] as const;

// ─── Disinfection dwell ────────────────────────────────────────────────────────────────────────

/**
 * The dwell a batch must rest after disinfection. The compound's setting is the minimum a
 * volunteer may choose (a longer dwell is fine: some agents need it). `testSeconds`
 * (LINLI_TEST_DWELL_SECONDS) replaces everything so a browser journey need not wait 30 minutes.
 */
export function resolveDwellSeconds(opts: {
  compoundMinutes: number;
  requestedMinutes?: number | null;
  testSeconds?: number | null;
}): number {
  if (opts.testSeconds != null && Number.isFinite(opts.testSeconds) && opts.testSeconds >= 0) {
    return Math.floor(opts.testSeconds);
  }
  const min = Math.max(0, Math.floor(opts.compoundMinutes));
  const requested = opts.requestedMinutes;
  if (requested == null) return min * 60;
  if (!Number.isInteger(requested) || requested < min) {
    throw badRequest(
      'DWELL_TOO_SHORT',
      `作用时间不能少于小区规定的 ${min} 分钟 / The dwell time cannot be shorter than the compound's ${min} minutes.`,
      { field: 'dwellMinutes', details: { minimum: min } },
    );
  }
  if (requested > 24 * 60) {
    throw badRequest('DWELL_TOO_LONG', '作用时间不能超过 24 小时 / The dwell time cannot exceed 24 hours.', {
      field: 'dwellMinutes',
    });
  }
  return requested * 60;
}

export function releasableAt(startedAt: Date, dwellSeconds: number): Date {
  return new Date(startedAt.getTime() + dwellSeconds * 1000);
}

/** Release needs the dwell to have passed by the server's clock. */
export function canRelease(now: Date, startedAt: Date | null, dwellSeconds: number | null): boolean {
  if (!startedAt || dwellSeconds == null) return false;
  return now.getTime() >= releasableAt(startedAt, dwellSeconds).getTime();
}

/** Parses LINLI_TEST_DWELL_SECONDS; null when unset or not a number. */
export function testDwellSeconds(raw: string | undefined): number | null {
  if (raw == null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

// ─── Board ─────────────────────────────────────────────────────────────────────────────────────

/** A truck is on time when it reached the gate no later than the ETA the merchant gave. */
export function isOnTime(arrivedAt: Date, eta: Date): boolean {
  return arrivedAt.getTime() <= eta.getTime();
}

/** Share as a whole percentage, or null when there is nothing to measure yet. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

// ─── Check-off time ────────────────────────────────────────────────────────────────────────────

const CLIENT_CLOCK_WINDOW_MS = 7 * 86_400_000;

/**
 * When a bag counts as delivered: the phone's own time of the check-off (it may sync hours later
 * after being offline), but never in the future of the server, never before the batch was
 * released, and not from a phone whose clock is days off (then the server's time).
 */
export function effectiveCheckoffTime(clientAt: Date, now: Date, releasedAt: Date | null): Date {
  const c = clientAt.getTime();
  let t =
    Number.isFinite(c) && c <= now.getTime() && c >= now.getTime() - CLIENT_CLOCK_WINDOW_MS
      ? c
      : now.getTime();
  if (releasedAt && t < releasedAt.getTime()) t = releasedAt.getTime();
  return new Date(t);
}

/** "东北大米 ×1袋、土鸡蛋 ×1盒": what a household did not get, for its notification. */
export function describeShort(lines: readonly { name: string; unit: string; shortQty: number }[]): string {
  return lines.map((l) => `${l.name} ×${l.shortQty}${l.unit}`).join('、');
}
