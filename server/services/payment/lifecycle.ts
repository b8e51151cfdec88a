/**
 * The lifecycles of money (docs/ARCHITECTURE.md, "Lifecycles"): a payment follows its Stripe
 * intent (or the cash at the door) until it succeeds — a canceled one may still succeed when a
 * late payment lands, and is then refunded — and a refund goes pending → succeeded / failed. Their
 * tables and their only writers; tests/unit/transitions.test.ts fails when any other file writes
 * one of these status columns.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { payments, refunds } from '@/db/schema';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';

type PaymentStatus = (typeof payments.$inferSelect)['status'];
type RefundStatus = (typeof refunds.$inferSelect)['status'];

export const PAYMENT_LIFECYCLE = defineLifecycle<PaymentStatus>(
  'payment',
  {
    requires_payment_method: ['processing', 'succeeded', 'failed', 'canceled'],
    processing: ['requires_payment_method', 'succeeded', 'failed', 'canceled'],
    failed: ['requires_payment_method', 'processing', 'succeeded', 'canceled'],
    canceled: ['succeeded'],
    succeeded: [],
  },
  'PAYMENT_ILLEGAL_TRANSITION',
  '这笔付款当前状态不允许此操作 / The payment cannot make this change in its current state.',
);

export const REFUND_LIFECYCLE = defineLifecycle<RefundStatus>(
  'refund',
  { pending: ['succeeded', 'failed'], succeeded: [], failed: [] },
  'REFUND_ILLEGAL_TRANSITION',
  '这笔退款当前状态不允许此操作 / The refund cannot make this change in its current state.',
);

type Row = { communityId: string; id: string };

/**
 * Moves a payment to `to` from any of `from` (default: every state that may move there). When
 * `to` is itself in `from` (Stripe reported the state the row is already in), a row in that state
 * keeps it and only `set` is written: staying is not a move.
 */
export async function transitionPayment(
  tx: DbOrTx,
  row: Row,
  to: PaymentStatus,
  opts: { from?: readonly PaymentStatus[]; set?: PgUpdateSetSource<typeof payments> } = {},
) {
  const where = and(eq(payments.communityId, row.communityId), eq(payments.id, row.id));
  const from = opts.from ?? [];
  const moved = await writeStatus(tx, payments, PAYMENT_LIFECYCLE, to, {
    where,
    from: opts.from ? from.filter((s) => s !== to) : undefined,
    set: opts.set,
  }).returning();
  if (moved.length || !from.includes(to) || !opts.set) return moved;
  return stay(tx, payments, and(where, eq(payments.status, to)), opts.set);
}

/** Moves a refund to `to` (from pending); `to` = pending keeps it pending and writes only `set`. */
export async function transitionRefund(
  tx: DbOrTx,
  row: Row,
  to: RefundStatus,
  opts: { set?: PgUpdateSetSource<typeof refunds>; where?: SQL } = {},
) {
  const where = and(eq(refunds.communityId, row.communityId), eq(refunds.id, row.id), opts.where);
  if (to === 'pending') return stay(tx, refunds, and(where, eq(refunds.status, 'pending')), opts.set ?? {});
  return writeStatus(tx, refunds, REFUND_LIFECYCLE, to, {
    where,
    from: ['pending'],
    set: opts.set,
  }).returning();
}

function stay<T extends typeof payments | typeof refunds>(
  tx: DbOrTx,
  table: T,
  where: SQL | undefined,
  set: PgUpdateSetSource<T>,
): Promise<T['$inferSelect'][]> {
  const { status: _ignored, ...rest } = set as Record<string, unknown>;
  return tx
    .update(table)
    .set(rest as unknown as PgUpdateSetSource<T>)
    .where(where)
    .returning() as Promise<T['$inferSelect'][]>;
}
