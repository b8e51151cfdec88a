import type Stripe from 'stripe';
import { z } from 'zod';
import { getStripe } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { requireOrderAccess, requireRelay } from '@/server/services/relay/load';
import { acceptedMethods } from './accepted-methods';
import { chooseCash } from './cash';
import {
  applyPaymentIntent,
  callStripe,
  ensurePaymentRow,
  isMissingIntent,
  markCanceled,
  ONLINE_METHODS,
  returnUrlFor,
  toPaymentView,
  type PaymentRow,
  type PaymentView,
} from './intents';

const uuid = (what: string) => z.uuid({ error: `${what}编号无效 / Invalid ${what} id` });

export const ChoosePaymentMethodInput = z.object({
  communityId: uuid('小区'),
  orderId: uuid('订单'),
  method: z.enum([...ONLINE_METHODS, 'cash'], { error: '不支持的付款方式 / Unsupported payment method' }),
});
export type ChoosePaymentMethodInput = z.infer<typeof ChoosePaymentMethodInput>;

/** What the pay page does next for the chosen method (from the intent's `next_action`). */
export type PaymentAction =
  /** WeChat Pay: show the QR (desktop) or follow the link (phone); the webhook turns the order paid. */
  | { kind: 'wechat_qr'; data: string; imageDataUrl: string; hostedUrl: string }
  /** Alipay: send the payer to Alipay; our return page reconciles. */
  | { kind: 'redirect'; url: string }
  /** Card: Stripe's Payment Element confirms with the client secret (or the mock's test cards). */
  | { kind: 'card'; clientSecret: string | null }
  /** 货到付款: committed; the volunteer collects the cash at the door. */
  | { kind: 'cash'; dueFen: number }
  /** Nothing left to do (paid, or being processed). */
  | { kind: 'none' };

export type ChosenPayment = {
  payment: PaymentView;
  action: PaymentAction;
  orderStatus: string;
  /** Our return page, from the app's own origin (the Payment Element passes it to Stripe). */
  returnUrl: string;
};

/**
 * The payer picks how to pay: creates — or reuses — the order's PaymentIntent for that method.
 * A retried or double-tapped choice gives the same intent; a different method cancels the earlier
 * intent at Stripe first. The payer may be someone other than the household (代付: a volunteer of
 * the stairwell, a coordinator, a family member registered on the household), and is recorded on
 * the payment. `cash` (货到付款) commits the order without Stripe (./cash.ts). Stripe unreachable → PAYMENT_PROVIDER_UNAVAILABLE (503, retry hint); an intent
 * Stripe forgot is replaced by a new one for the same order.
 */
export async function choosePaymentMethod({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ChoosePaymentMethodInput;
}): Promise<ChosenPayment> {
  const { communityId, orderId, method } = ChoosePaymentMethodInput.parse(input);
  requireUser(ctx);
  const order = await requirePayableOrder(ctx, communityId, orderId);
  const relay = await requireRelay(ctx.db, communityId, order.relayId);
  const returnUrl = returnUrlFor(communityId, orderId);
  if (method === 'cash') {
    const { payment, orderStatus } = await chooseCash(ctx, order, relay);
    const action: PaymentAction =
      payment.method === 'cash' ? { kind: 'cash', dueFen: payment.amountFen } : { kind: 'none' };
    return { payment: toPaymentView(payment), action, orderStatus, returnUrl };
  }
  if (!(await acceptedMethods(ctx.db, relay.merchantId)).includes(method)) {
    throw preconditionFailed(
      'PAYMENT_METHOD_NOT_ACCEPTED',
      '商家不接受这种付款方式 / The merchant does not accept this payment method.',
      { field: 'method' },
    );
  }
  for (let attempt = 0; ; attempt++) {
    const row = await ensurePaymentRow(ctx.database, communityId, orderId, {
      method,
      payerUserId: ctx.user.id,
    });
    if (!row) throw notPayable();
    if (row.status === 'succeeded' || !row.stripePaymentIntentId) {
      return { payment: toPaymentView(row), action: { kind: 'none' }, orderStatus: 'paid', returnUrl };
    }
    let pi = await retrieveLive(ctx, row);
    if (pi && method !== 'card' && pi.status === 'requires_payment_method') {
      pi = await retryWallet(pi, returnUrl);
      await applyPaymentIntent(ctx.database, pi); // our row leaves `failed`
    }
    if (pi)
      return { payment: toPaymentView(row), action: actionOf(pi), orderStatus: order.status, returnUrl };
    // Stripe no longer knows this intent: it was marked canceled; make a new one (once).
    if (attempt > 0) throw notPayable();
  }
}

/** The intent as Stripe has it now; null when Stripe no longer knows it (our row is then canceled). */
async function retrieveLive(ctx: AuthedContext, row: PaymentRow): Promise<Stripe.PaymentIntent | null> {
  try {
    const pi = await callStripe(() => getStripe().paymentIntents.retrieve(row.stripePaymentIntentId!));
    if (pi.status === 'succeeded' || pi.status === 'canceled') await applyPaymentIntent(ctx.database, pi);
    return pi;
  } catch (e) {
    if (!isMissingIntent(e)) throw e;
    console.warn('[payment] Stripe no longer knows %s; replacing it', row.stripePaymentIntentId);
    await markCanceled(ctx.db, row);
    return null;
  }
}

/**
 * A wallet payment the payer refused or that failed leaves the intent waiting for a payment method:
 * confirm it again for the same wallet, which gives a fresh QR code / redirect. The idempotency key
 * names the failed attempt, so a double tap confirms once.
 */
async function retryWallet(pi: Stripe.PaymentIntent, returnUrl: string): Promise<Stripe.PaymentIntent> {
  const type = pi.payment_method_types.includes('alipay') ? 'alipay' : 'wechat_pay';
  const attempt = typeof pi.latest_charge === 'string' ? pi.latest_charge : (pi.latest_charge?.id ?? 'first');
  return callStripe(() =>
    getStripe().paymentIntents.confirm(
      pi.id,
      {
        payment_method_data: { type },
        ...(type === 'wechat_pay'
          ? { payment_method_options: { wechat_pay: { client: 'web' as const } } }
          : {}),
        return_url: returnUrl,
      },
      { idempotencyKey: `linli-retry:${pi.id}:${attempt}` },
    ),
  );
}

export function actionOf(pi: Stripe.PaymentIntent): PaymentAction {
  const next = pi.next_action;
  if (pi.status === 'succeeded' || pi.status === 'processing') return { kind: 'none' };
  if (next?.wechat_pay_display_qr_code) {
    const qr = next.wechat_pay_display_qr_code;
    return {
      kind: 'wechat_qr',
      data: qr.data,
      imageDataUrl: qr.image_data_url,
      hostedUrl: qr.hosted_instructions_url,
    };
  }
  if (next?.redirect_to_url?.url) return { kind: 'redirect', url: next.redirect_to_url.url };
  if (next?.alipay_handle_redirect?.url) return { kind: 'redirect', url: next.alipay_handle_redirect.url };
  return { kind: 'card', clientSecret: pi.client_secret };
}

function notPayable() {
  return preconditionFailed('ORDER_NOT_PAYABLE', '该订单无需付款 / Nothing to pay for this order.');
}

/** The order, if the caller may pay it and it can still be paid. */
export async function requirePayableOrder(ctx: AuthedContext, communityId: string, orderId: string) {
  const order = await requireOrderAccess(ctx, ctx.db, communityId, orderId);
  if (order.status === 'paid') return order;
  if (order.status !== 'pending_payment') {
    throw preconditionFailed(
      'ORDER_NOT_PAYABLE',
      '该订单已取消或已过期，无需付款 / This order was cancelled or expired; nothing to pay.',
      { details: { status: order.status } },
    );
  }
  if (!order.holdUntil || order.holdUntil <= ctx.now()) {
    throw preconditionFailed(
      'ORDER_HOLD_ENDED',
      '付款时间已过，商品已退回库存 / The time to pay has passed; the items went back to stock.',
    );
  }
  const relay = await requireRelay(ctx.db, communityId, order.relayId);
  if (relay.status === 'failed' || relay.status === 'cancelled') {
    throw preconditionFailed('RELAY_ENDED', '该接龙已结束 / This relay has ended.');
  }
  return order;
}
