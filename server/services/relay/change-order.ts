import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { orders } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import type { Tx } from '@/db/client';
import { preconditionFailed } from '@/server/services/shared/errors';
import { idOf } from '@/server/services/shared/zod';
import { publishChainChange } from './chain-bus';
import { NewQuantity, OrderRef } from './fields';
import { orderLinesOf, requireOrderAccess, requireRelay, type OrderRow, type RelayRow } from './load';
import { bumpChain, moveStock, orderChanged, setLineQty, type StockMove } from './order-stock';
import {
  assertIncreaseAllowed,
  assertJoinable,
  householdLimitError,
  orderTotalFen,
  planOrderChange,
  type LineChange,
} from './rules';
import { inTransaction } from '@/server/services/shared/tx';
import { orderPayments, type RefundRow } from './order-payments';

export const ChangeOrderInput = OrderRef.extend({
  /** Absolute quantities wanted for lines of this order (0 removes a line); lines not named stay. */
  lines: z
    .array(z.object({ relayItemId: idOf('商品'), qty: NewQuantity }).strict())
    .min(1)
    .max(50),
});
export type ChangeOrderInput = z.infer<typeof ChangeOrderInput>;

export type ChangeOrderResult = {
  orderId: string;
  totalFen: number;
  revision: number;
  refund: { refundId: string; amountFen: number; status: RefundRow['status'] } | null;
};

/**
 * Changes an order's quantities before cutoff, down or up, keeping its 接龙号. Units move in one
 * transaction (`moveStock`: given back like a cancel, taken like a join, so no oversell and no
 * household above its limit). A paid order may only shrink: it is refunded the difference (key
 * `order-reduced:<orderId>:r<rev>`); an unpaid one may also grow, and its amount due follows (the
 * PaymentIntent for the old amount is cancelled; the pay page makes one for the new amount).
 * Targets are absolute, so a retried change is a no-op.
 */
export async function changeOrder({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ChangeOrderInput;
}): Promise<ChangeOrderResult> {
  requireUser(ctx);
  const { communityId, orderId } = input;
  const now = ctx.now();
  const order = await requireOrderAccess(ctx, ctx.db, communityId, orderId);
  if (order.status !== 'pending_payment' && order.status !== 'paid') {
    throw preconditionFailed(
      'ORDER_NOT_CHANGEABLE',
      '该订单已结束，不能修改 / This order has ended and cannot be changed.',
      { details: { status: order.status } },
    );
  }
  const relay = await requireRelay(ctx.db, communityId, order.relayId);
  assertJoinable(relay, now);
  const lines = await orderLinesOf(ctx.db, communityId, orderId);
  const changes = planOrderChange(lines, input.lines);
  if (changes.length === 0)
    return { orderId, totalFen: order.totalFen, revision: order.revision, refund: null };
  assertIncreaseAllowed(order.status, changes);
  const byItem = new Map(lines.map((l) => [l.relayItemId, l]));
  for (const c of changes) {
    const line = byItem.get(c.relayItemId)!;
    if (c.to > c.from && line.perHouseholdLimit !== null && c.to > line.perHouseholdLimit)
      throw householdLimitError({ ...line, id: c.relayItemId }, c.from);
  }
  const newTotal = orderTotalFen(
    lines.map((l) => ({
      qty: changes.find((c) => c.relayItemId === l.relayItemId)?.to ?? l.qty,
      unitPriceFen: l.unitPriceFen,
    })),
  );
  const moves = changes.map((c) => ({
    relayItemId: c.relayItemId,
    delta: c.to - c.from,
    name: byItem.get(c.relayItemId)!.name,
    perHouseholdLimit: byItem.get(c.relayItemId)!.perHouseholdLimit,
  }));
  const out = await inTransaction(ctx.db, (tx) =>
    writeChange(tx, { ctx, order, relay, now, changes, moves, lines, newTotal }),
  );
  await publishChainChange(ctx.database, { communityId, relayId: order.relayId, version: out.version });
  const refund = await settleAfterChange(ctx, order, out.refunds, newTotal);
  return { orderId, totalFen: newTotal, revision: out.revision, refund };
}

type ChangeStep = {
  ctx: AuthedContext;
  order: OrderRow;
  relay: RelayRow;
  now: Date;
  changes: LineChange[];
  moves: StockMove[];
  lines: { relayItemId: string; qty: number }[];
  newTotal: number;
};

/** Admission (only when selling more, as the join), stock, relay row, order row, lines, refund, audit. */
async function writeChange(tx: Tx, step: ChangeStep) {
  const { ctx, order, now, changes, newTotal } = step;
  const { communityId, id: orderId } = order;
  const grows = changes.some((c) => c.to > c.from);
  if (grows) await requireActiveAdmission(tx, communityId, step.relay.merchantId, now);
  await moveStock(tx, order, step.moves);
  const version = await bumpChain(tx, communityId, order.relayId, now);
  if (version === null) {
    assertJoinable(await requireRelay(tx, communityId, order.relayId), now);
    throw orderChanged();
  }
  const [done] = await tx
    .update(orders)
    .set({ totalFen: newTotal, revision: sql`${orders.revision} + 1`, chainVersion: version, updatedAt: now })
    .where(
      and(
        eq(orders.communityId, communityId),
        eq(orders.id, orderId),
        eq(orders.status, order.status),
        eq(orders.revision, order.revision),
      ),
    )
    .returning();
  if (!done) throw orderChanged();
  for (const c of changes) await setLineQty(tx, communityId, orderId, c.relayItemId, c.to);
  const refunds: RefundRow[] = [];
  const diff = order.totalFen - newTotal;
  if (order.status === 'paid' && diff > 0) {
    const { refund } = await orderPayments().reserveRefund(tx, {
      communityId,
      orderId,
      amountFen: diff,
      reason: 'order_reduced',
      idempotencyKey: `order-reduced:${orderId}:r${done.revision}`,
      requestedBy: ctx.user.id,
    });
    if (refund.status === 'pending') refunds.push(refund);
  }
  await writeAudit(tx, {
    communityId,
    actorUserId: ctx.user.id,
    action: grows ? 'order.changed' : 'order.reduced',
    entityType: 'order',
    entityId: orderId,
    before: {
      totalFen: order.totalFen,
      lines: step.lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty })),
    },
    after: { totalFen: newTotal, changes },
  });
  return { version, revision: done.revision, refunds };
}

/** After commit: the refund goes out, or an unpaid order's intent for the old amount is cancelled. */
async function settleAfterChange(
  ctx: AuthedContext,
  order: OrderRow,
  refunds: RefundRow[],
  newTotal: number,
): Promise<ChangeOrderResult['refund']> {
  if (refunds.length) {
    const [r] = await orderPayments().executeRefunds(ctx.database, refunds);
    return r ? { refundId: r.id, amountFen: r.amountFen, status: r.status } : null;
  }
  if (order.status === 'pending_payment') {
    // The intent for the old amount must not be payable; the pay page makes one for the new amount.
    const live = await orderPayments().livePayment(ctx.db, order.communityId, order.id);
    if (live && live.amountFen !== newTotal && live.status !== 'succeeded') {
      await orderPayments()
        .cancelPaymentIntent(ctx.database, live, 'order_reduced')
        .catch((e: unknown) =>
          console.error('[relay] could not cancel the intent after a change; the pay page will retry', e),
        );
    }
  }
  return null;
}
