import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { orders } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from './chain-bus';
import { OrderRef } from './fields';
import { householdUserIds, orderLinesOf, requireOrderAccess, requireRelay } from './load';
import { bumpChain, giveBackStock, orderChanged } from './order-stock';
import { assertJoinable, ordersHref } from './rules';
import { cancelOrdersRefund } from './refund-keys';
import { inTransaction } from '@/server/services/shared/tx';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { orderPayments, type RefundRow } from './order-payments';

export const CancelOrderInput = OrderRef;
export type CancelOrderInput = z.infer<typeof CancelOrderInput>;

export type CancelOrderResult = {
  orderId: string;
  status: 'cancelled';
  refund: { refundId: string; amountFen: number; status: RefundRow['status'] } | null;
};

/**
 * A household withdraws its order before cutoff: its stock goes back and the number stays taken
 * (struck out in the chain), in one transaction. A paid order is refunded in full (key
 * `order-cancelled:<orderId>`); an unpaid one has its PaymentIntent cancelled so it cannot be paid.
 * Cancelling an already cancelled order returns it unchanged (a retried tap).
 */
export async function cancelOrder({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CancelOrderInput;
}): Promise<CancelOrderResult> {
  requireUser(ctx);
  const { communityId, orderId } = input;
  const now = ctx.now();
  const order = await requireOrderAccess(ctx, ctx.db, communityId, orderId);
  if (order.status === 'cancelled') return { orderId, status: 'cancelled', refund: null };
  if (order.status !== 'pending_payment' && order.status !== 'paid') {
    throw preconditionFailed(
      'ORDER_NOT_CANCELLABLE',
      '该订单已结束，不能取消 / This order has ended and cannot be cancelled.',
      {
        details: { status: order.status },
      },
    );
  }
  const relay = await requireRelay(ctx.db, communityId, order.relayId);
  assertJoinable(relay, now);
  const lines = await orderLinesOf(ctx.db, communityId, orderId);

  const out = await inTransaction(ctx.db, async (tx) => {
    await giveBackStock(
      tx,
      order,
      lines.map((l) => ({ relayItemId: l.relayItemId, qty: l.qty, perHouseholdLimit: l.perHouseholdLimit })),
    );
    const version = await bumpChain(tx, communityId, order.relayId, now);
    if (version === null) {
      const fresh = await requireRelay(tx, communityId, order.relayId);
      assertJoinable(fresh, now);
      throw orderChanged();
    }
    const [done] = await transitionOrders(tx, { communityId, id: orderId }, 'cancelled', {
      from: [order.status],
      set: {
        cancelReason: 'resident',
        cancelledAt: now,
        holdUntil: null,
        chainVersion: version,
        updatedAt: now,
      },
      where: eq(orders.revision, order.revision),
    }).returning();
    if (!done) throw orderChanged();
    const refunds =
      order.status === 'paid' ? await cancelOrdersRefund(tx, communityId, orderId, ctx.user.id) : [];
    await writeAudit(tx, {
      communityId,
      actorUserId: ctx.user.id,
      action: 'order.cancelled',
      entityType: 'order',
      entityId: orderId,
      before: { status: order.status, totalFen: order.totalFen },
      after: { status: 'cancelled', refundFen: refunds.reduce((s, r) => s + r.amountFen, 0) },
    });
    const userIds = await householdUserIds(tx, communityId, order.householdId, order.placedBy);
    await notifyUsers(
      tx,
      userIds
        .filter((id) => id !== ctx.user.id)
        .map((userId) => ({
          communityId,
          userId,
          kind: 'order.cancelled',
          payload: {
            orderId,
            relayId: order.relayId,
            relayTitle: relay.title,
            seq: order.seq,
            href: ordersHref(communityId),
          },
        })),
    );
    return { version, refunds };
  });

  await publishChainChange(ctx.database, { communityId, relayId: order.relayId, version: out.version });
  let refund: CancelOrderResult['refund'] = null;
  if (out.refunds.length) {
    const [r] = await orderPayments().executeRefunds(ctx.database, out.refunds);
    refund = r ? { refundId: r.id, amountFen: r.amountFen, status: r.status } : null;
  } else {
    const live = await orderPayments().livePayment(ctx.db, communityId, orderId);
    if (live && live.status !== 'succeeded') {
      await orderPayments()
        .cancelPaymentIntent(ctx.database, live, 'order_cancelled')
        .catch((e: unknown) =>
          console.error('[relay] intent cancel failed; a late payment would be refunded', e),
        );
    }
  }
  return { orderId, status: 'cancelled', refund };
}
