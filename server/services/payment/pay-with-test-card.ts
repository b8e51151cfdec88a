import type Stripe from 'stripe';
import { z } from 'zod';
import { getStripe, isStripeTestMode } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { requireOrderAccess } from '@/server/services/relay/load';
import { idOf, SafeString } from '@/server/services/shared/zod';
import { choosePaymentMethod, requirePayableOrder } from './choose-payment-method';
import { applyPaymentIntent, callStripe, returnUrlFor } from './intents';

const TEST_CARDS = ['pm_card_visa', 'pm_card_chargeDeclined'] as const;
export type TestCard = (typeof TEST_CARDS)[number];

export const PayWithTestCardInput = z.object({
  communityId: idOf('小区'),
  orderId: idOf('订单'),
  paymentMethod: z.enum(TEST_CARDS),
  /** One per tap of "pay": a double tap confirms once. */
  idempotencyKey: SafeString.min(8).max(100),
});
export type PayWithTestCardInput = z.infer<typeof PayWithTestCardInput>;

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
  const order = await requirePayableOrder(ctx, input.communityId, input.orderId);
  if (order.status === 'paid') return { outcome: 'succeeded', orderStatus: 'paid' };
  const chosen = await choosePaymentMethod({
    ctx,
    input: { communityId: input.communityId, orderId: order.id, method: 'card' },
  });
  const piId = chosen.payment.paymentIntentId;
  if (chosen.action.kind === 'none' || !piId) {
    const after = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
    return after.status === 'paid'
      ? { outcome: 'succeeded', orderStatus: 'paid' }
      : { outcome: 'processing' };
  }
  const stripe = getStripe();
  let pi: Stripe.PaymentIntent;
  try {
    pi = await callStripe(() =>
      stripe.paymentIntents.confirm(
        piId,
        { payment_method: input.paymentMethod, return_url: returnUrlFor(input.communityId, order.id) },
        { idempotencyKey: `linli-confirm:${piId}:${input.idempotencyKey}` },
      ),
    );
  } catch (e) {
    const err = e as { type?: string; code?: string; decline_code?: string; message?: string };
    if (err.type !== 'StripeCardError') throw e;
    const failed = await stripe.paymentIntents.retrieve(piId);
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
