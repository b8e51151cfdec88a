/**
 * refundOrder — the one way money goes back to a household (used by relay failure, order
 * cancellation, and by distribution for shortfalls and accepted problem reports).
 *
 * CONTRACT
 *   refundOrder(ctx, { communityId, orderId, amountFen, reason, idempotencyKey, lines? })
 *     → { refundId, status: 'succeeded' | 'pending' | 'failed', amountFen, created }
 *
 * - No authorization here: the calling verb has already checked who may cause this refund.
 * - `amountFen`: positive integer fen. Never more than paid minus already refunded (or pending):
 *   PRECONDITION_FAILED `REFUND_EXCEEDS_PAID`; an order without a succeeded payment:
 *   PRECONDITION_FAILED `ORDER_NOT_PAID`.
 * - `idempotencyKey`: deterministic per cause, e.g. `shortfall:<shortfallId>:<orderId>`,
 *   `relay-failed:<orderId>`. The same key twice (a retry, two settlements racing) records ONE
 *   refund and makes ONE Stripe refund (the key is also Stripe's idempotency key); the second call
 *   returns the first refund with `created: false`.
 * - `lines` (optional): how the amount splits over order lines; recorded in
 *   `order_lines.refunded_fen` in the same transaction; must sum to `amountFen`.
 * - Runs its own transaction to reserve, then calls Stripe OUTSIDE any transaction: do not call it
 *   from inside yours. If you need the reservation to commit with your own writes, call
 *   `reserveRefund(tx, …)` from ./refunds inside your transaction and `executeRefunds(database,
 *   [refund])` after commit.
 * - `status: 'pending'` means Stripe did not answer yet (or the same key is being executed by the
 *   other caller right now); the `relay-refunds` job finishes it with the same key. The household
 *   is notified (`order.refunded`) exactly once, when the refund succeeds.
 */
import type { ServiceContext } from '@/server/services/shared/context';
import { executeRefund, reserveRefund, type RefundRow } from './refunds';
import { inTransaction } from '@/server/services/shared/tx';

export type RefundOrderInput = {
  communityId: string;
  orderId: string;
  amountFen: number;
  reason: string;
  idempotencyKey: string;
  lines?: { orderLineId: string; amountFen: number }[];
};

export type RefundOrderResult = {
  refundId: string;
  status: RefundRow['status'];
  amountFen: number;
  created: boolean;
};

export async function refundOrder(ctx: ServiceContext, input: RefundOrderInput): Promise<RefundOrderResult> {
  const { refund, created } = await inTransaction(ctx.db, (tx) =>
    reserveRefund(tx, { ...input, requestedBy: ctx.user?.id ?? null }),
  );
  // Only the caller that recorded the refund sends it: a concurrent caller with the same key gets
  // the pending row back rather than a second in-flight request with the same Stripe key.
  const settled = created ? await executeRefund(ctx.database, refund) : refund;
  return { refundId: settled.id, status: settled.status, amountFen: settled.amountFen, created };
}
