import { isStripeTestMode } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { orderLinesOf, requireOrderAccess, requireRelay } from '@/server/services/relay/load';
import { acceptedMethods } from './accepted-methods';
import { livePayment, toPaymentView, type PaymentView } from './intents';

export type OrderPaymentInput = { communityId: string; orderId: string };

/**
 * The pay page: the order, the methods the merchant accepts, its live payment if a method was
 * chosen already (no intent is made here: that happens when the payer picks a method), and
 * whether it can still be paid. In test mode the card method offers Stripe's test cards; with a
 * publishable key it uses Stripe's Payment Element.
 */
export async function getOrderPayment({ ctx, input }: { ctx: ServiceContext; input: OrderPaymentInput }) {
  requireUser(ctx);
  const order = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
  const relay = await requireRelay(ctx.db, input.communityId, order.relayId);
  const lines = await orderLinesOf(ctx.db, input.communityId, order.id);
  const now = ctx.now();
  const payable = order.status === 'pending_payment' && !!order.holdUntil && order.holdUntil > now;
  const live = await livePayment(ctx.db, input.communityId, order.id);
  const payment: PaymentView | null = live ? toPaymentView(live) : null;
  const methods = await acceptedMethods(ctx.db, relay.merchantId);
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
    methods,
    cashOnDelivery: order.cashOnDelivery,
    /** Stripe.js needs it for the card Payment Element; without it the card form is not offered live. */
    publishableKey: process.env.STRIPE_PUBLISHABLE_KEY || null,
    testMode: isStripeTestMode(),
    serverNow: now,
  };
}
