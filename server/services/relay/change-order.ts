import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { orders } from '@/db/schema';
import { cancelPaymentIntent, livePayment } from '@/server/services/payment/intents';
import { executeRefunds, reserveRefund, type RefundRow } from '@/server/services/payment/refunds';
import { requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { idOf } from '@/server/services/shared/zod';
import { publishChainChange } from './chain-bus';
import { NewQuantity, OrderRef } from './fields';
import { orderLinesOf, requireOrderAccess, requireRelay } from './load';
import { bumpChain, giveBackStock, orderChanged, setLineQty } from './order-stock';
import { assertJoinable, orderTotalFen, planOrderChange } from './rules';
import { inTransaction } from './tx';

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
 * Reduces an order before cutoff: the units go back to the stock and the household's totals in
 * one transaction. A paid order is refunded the difference (key `order-reduced:<orderId>:r<rev>`);
 * an unpaid one gets a new PaymentIntent for the new amount (the old one is cancelled). Targets are
 * absolute, so a retried change is a no-op.
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
      {
        details: { status: order.status },
      },
    );
  }
  const relay = await requireRelay(ctx.db, communityId, order.relayId);
  assertJoinable(relay, now);
  const lines = await orderLinesOf(ctx.db, communityId, orderId);
  const changes = planOrderChange(lines, input.lines);
  if (changes.length === 0)
    return { orderId, totalFen: order.totalFen, revision: order.revision, refund: null };
  const byItem = new Map(lines.map((l) => [l.relayItemId, l]));
  const after = lines.map((l) => ({
    qty: changes.find((c) => c.relayItemId === l.relayItemId)?.to ?? l.qty,
    unitPriceFen: l.unitPriceFen,
  }));
  const newTotal = orderTotalFen(after);
  const diff = order.totalFen - newTotal;

  const out = await inTransaction(ctx.db, async (tx) => {
    await giveBackStock(
      tx,
      order,
      changes.map((c) => ({
        relayItemId: c.relayItemId,
        qty: c.from - c.to,
        perHouseholdLimit: byItem.get(c.relayItemId)!.perHouseholdLimit,
      })),
    );
    const version = await bumpChain(tx, communityId, order.relayId, now);
    if (version === null) {
      assertJoinable(await requireRelay(tx, communityId, order.relayId), now);
      throw orderChanged();
    }
    const [done] = await tx
      .update(orders)
      .set({
        totalFen: newTotal,
        revision: sql`${orders.revision} + 1`,
        chainVersion: version,
        updatedAt: now,
      })
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
    if (order.status === 'paid' && diff > 0) {
      const { refund } = await reserveRefund(tx, {
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
      action: 'order.reduced',
      entityType: 'order',
      entityId: orderId,
      before: {
        totalFen: order.totalFen,
        lines: lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty })),
      },
      after: { totalFen: newTotal, changes },
    });
    return { version, revision: done.revision, refunds };
  });

  await publishChainChange(ctx.database, { communityId, relayId: order.relayId, version: out.version });
  let refund: ChangeOrderResult['refund'] = null;
  if (out.refunds.length) {
    const [r] = await executeRefunds(ctx.database, out.refunds);
    if (r) refund = { refundId: r.id, amountFen: r.amountFen, status: r.status };
  } else if (order.status === 'pending_payment') {
    // The intent for the old amount must not be payable; the pay page makes one for the new amount.
    const live = await livePayment(ctx.db, communityId, orderId);
    if (live && live.amountFen !== newTotal && live.status !== 'succeeded') {
      await cancelPaymentIntent(ctx.database, live, 'order_reduced').catch((e: unknown) =>
        console.error('[relay] could not cancel the intent after a reduction; the pay page will retry', e),
      );
    }
  }
  return { orderId, totalFen: newTotal, revision: out.revision, refund };
}
