import { isStripeTestMode } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { orderLinesOf, requireOrderAccess, requireRelay } from '@/server/services/relay/load';
import { ensurePaymentIntent, type PaymentView } from './intents';

export type OrderPaymentInput = { communityId: string; orderId: string };

/**
 * The pay page: the order, its live PaymentIntent (made now if the join could not), and whether
 * it can still be paid. In test mode the page offers Stripe's test cards.
 */
export async function getOrderPayment({ ctx, input }: { ctx: ServiceContext; input: OrderPaymentInput }) {
  requireUser(ctx);
  const order = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
  const relay = await requireRelay(ctx.db, input.communityId, order.relayId);
  const lines = await orderLinesOf(ctx.db, input.communityId, order.id);
  const now = ctx.now();
  const payable = order.status === 'pending_payment' && !!order.holdUntil && order.holdUntil > now;
  let payment: PaymentView | null = null;
  let paymentUnavailable = false;
  if (payable) {
    try {
      payment = await ensurePaymentIntent(ctx.database, input.communityId, order.id);
    } catch (e) {
      console.error('[payment] could not prepare the intent', e);
      paymentUnavailable = true;
    }
  }
  return {
    order: {
      id: order.id,
      seq: order.seq,
      status: order.status,
      totalFen: order.totalFen,
      holdUntil: order.holdUntil,
      onBehalf: order.onBehalf,
      lines: lines.map((l) => ({
        name: l.name,
        spec: l.spec,
        unit: l.unit,
        qty: l.qty,
        unitPriceFen: l.unitPriceFen,
      })),
    },
    relay: { id: relay.id, title: relay.title, status: relay.status, deliveryDate: relay.deliveryDate },
    payment,
    payable,
    paymentUnavailable,
    testMode: isStripeTestMode(),
    serverNow: now,
  };
}
