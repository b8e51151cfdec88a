/**
 * The lifecycles of a need (需求) and of a volunteer's claim on it, as tables. Every status change
 * goes through `transitionNeed` / `transitionClaim` (transition.ts), which check these.
 *
 *   need:  open ─► claimed ─► bought ─► delivered ─► settled
 *            │        │          │          └─ (nothing advanced) ─► settled
 *            │        └──────────┴─► open   (released by the volunteer; a claim that made no
 *            └─► cancelled                   progress for CLAIM_TIMEOUT_MINUTES expires)
 *   claim: active ─► bought ─► delivered;  active | bought ─► released;  active ─► expired
 */
export const NEED_KINDS = ['medicine', 'groceries', 'help', 'other'] as const;
export const NEED_URGENCIES = ['normal', 'urgent'] as const;
export type NeedKind = (typeof NEED_KINDS)[number];
export type NeedStatus = 'open' | 'claimed' | 'bought' | 'delivered' | 'settled' | 'cancelled';
export type ClaimStatus = 'active' | 'bought' | 'delivered' | 'released' | 'expired';

export const NEED_TRANSITIONS: Record<NeedStatus, readonly NeedStatus[]> = {
  open: ['claimed', 'cancelled'],
  claimed: ['bought', 'delivered', 'open'],
  bought: ['delivered', 'open'],
  delivered: ['settled'],
  settled: [],
  cancelled: [],
};

export const CLAIM_TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  active: ['bought', 'delivered', 'released', 'expired'],
  bought: ['delivered', 'released'],
  delivered: [],
  released: [],
  expired: [],
};

export const LIVE_CLAIM: readonly ClaimStatus[] = ['active', 'bought'];

/** A claim that has not been marked bought or delivered within this time goes back to the pool. */
export const CLAIM_TIMEOUT_MINUTES = 120;

/** The most a volunteer may advance for one errand: ¥2,000, in fen. */
export const MAX_ADVANCED_FEN = 200_000;

export function canNeedMove(from: NeedStatus, to: NeedStatus): boolean {
  return NEED_TRANSITIONS[from].includes(to);
}
export function canClaimMove(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

/** Open needs in the order a volunteer should see them: their stairwells, urgent, oldest. */
export function needOrder(
  a: { urgency: string; createdAt: Date; mine: boolean },
  b: { urgency: string; createdAt: Date; mine: boolean },
): number {
  if (a.mine !== b.mine) return a.mine ? -1 : 1;
  if (a.urgency !== b.urgency) return a.urgency === 'urgent' ? -1 : 1;
  return a.createdAt.getTime() - b.createdAt.getTime();
}
