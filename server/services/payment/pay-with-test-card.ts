import type Stripe from 'stripe';
import { getStripe, isStripeTestMode } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { requireOrderAccess, requireRelay } from '@/server/services/relay/load';
import { applyPaymentIntent, ensurePaymentIntent } from './intents';

export const TEST_CARDS = ['pm_card_visa', 'pm_card_chargeDeclined'] as const;
export type TestCard = (typeof TEST_CARDS)[number];

export type PayWithTestCardInput = {
  communityId: string;
  orderId: string;
  paymentMethod: TestCard;
  /** Where Stripe would send the phone back after a redirect (3-D Secure); our return page. */
  returnUrl: string;
  /** One per tap of "pay": a double tap confirms once. */
  idempotencyKey: string;
};

export type PayOutcome =
  | { outcome: 'succeeded'; orderStatus: string }
  | { outcome: 'declined'; code: string | null; declineCode: string | null; message: string }
  | { outcome: 'processing' }
  /** The money arrived after the order ended (hold over, relay ended): it is being refunded. */
  | { outcome: 'refunded' };

/**
 * The demo's test-payment page: confirms the order's PaymentIntent on the server with one of
 * Stripe's test payment methods. Only in test mode (a test key, or the local mock); with a live
 * key the page would use Stripe's own payment form instead.
 */
export async function payWithTestCard({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: PayWithTestCardInput;
}): Promise<PayOutcome> {
  requireUser(ctx);
  if (!isStripeTestMode()) {
    throw preconditionFailed(
      'TEST_PAYMENTS_DISABLED',
      '测试卡只能在测试模式下使用 / Test cards work in test mode only.',
    );
  }
  const order = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
  if (order.status === 'paid') return { outcome: 'succeeded', orderStatus: 'paid' };
  if (order.status !== 'pending_payment') {
    throw preconditionFailed(
      'ORDER_NOT_PAYABLE',
      '该订单已取消或已过期，无需付款 / This order was cancelled or expired; nothing to pay.',
      {
        details: { status: order.status },
      },
    );
  }
  if (!order.holdUntil || order.holdUntil <= ctx.now()) {
    throw preconditionFailed(
      'ORDER_HOLD_ENDED',
      '付款时间已过，商品已退回库存 / The time to pay has passed; the items went back to stock.',
    );
  }
  const relay = await requireRelay(ctx.db, input.communityId, order.relayId);
  if (relay.status === 'failed' || relay.status === 'cancelled') {
    throw preconditionFailed('RELAY_ENDED', '该接龙已结束 / This relay has ended.');
  }
  const payment = await ensurePaymentIntent(ctx.database, input.communityId, order.id);
  if (!payment)
    throw preconditionFailed('ORDER_NOT_PAYABLE', '该订单无需付款 / Nothing to pay for this order.');
  const stripe = getStripe();
  let pi: Stripe.PaymentIntent;
  try {
    pi = await stripe.paymentIntents.confirm(
      payment.paymentIntentId,
      { payment_method: input.paymentMethod, return_url: input.returnUrl },
      { idempotencyKey: `linli-confirm:${payment.paymentIntentId}:${input.idempotencyKey}` },
    );
  } catch (e) {
    const err = e as { type?: string; code?: string; decline_code?: string; message?: string };
    if (err.type !== 'StripeCardError') throw e;
    const failed = await stripe.paymentIntents.retrieve(payment.paymentIntentId);
    await applyPaymentIntent(ctx.database, failed);
    return {
      outcome: 'declined',
      code: err.code ?? null,
      declineCode: err.decline_code ?? null,
      message: err.message ?? '',
    };
  }
  await applyPaymentIntent(ctx.database, pi);
  if (pi.status !== 'succeeded') return { outcome: 'processing' };
  const after = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
  return after.status === 'paid' ? { outcome: 'succeeded', orderStatus: 'paid' } : { outcome: 'refunded' };
}
