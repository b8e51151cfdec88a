import type Stripe from 'stripe';
import { z } from 'zod';
import { getStripe, isStripeTestMode } from '@/server/payments/stripe';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { lockNeed, needNotFound, transitionNeed } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const PayNeedOnlineInput = z.object({ communityId: CommunityId, needId: Id });
export type PayNeedOnlineInput = z.infer<typeof PayNeedOnlineInput>;

/**
 * 在线结清: the household pays the volunteer's advance in the app. One PaymentIntent per need (the
 * idempotency key is the need), for exactly the advanced amount in fen. In test mode (the local
 * mock) it is confirmed at once with Stripe's test card, as the demo pay page does; the need is
 * settled when Stripe says the payment succeeded.
 */
export async function payNeedOnline({ ctx, input: raw }: { ctx: ServiceContext; input: PayNeedOnlineInput }) {
  const input = PayNeedOnlineInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  const need = await inTransaction(actor.ctx.db, (tx) => lockNeed(tx, input.communityId, input.needId));
  if (!actor.householdIds.includes(need.householdId)) throw needNotFound();
  if (need.status !== 'delivered' || need.advancedFen <= 0)
    throw preconditionFailed('NEED_NOT_PAYABLE', '这个需求没有待付的垫付款 / Nothing to pay for this need.', {
      details: { status: need.status },
    });
  if (!isStripeTestMode())
    throw preconditionFailed(
      'TEST_PAYMENTS_DISABLED',
      '在线付款暂只支持测试模式 / Online payment works in test mode only.',
    );
  const stripe = getStripe();
  let pi: Stripe.PaymentIntent;
  try {
    pi = await stripe.paymentIntents.create(
      {
        amount: need.advancedFen,
        currency: 'cny',
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: { kind: 'need', communityId: need.communityId, needId: need.id },
      },
      { idempotencyKey: `linli-need:${need.id}:${need.advancedFen}` },
    );
    if (pi.status !== 'succeeded')
      pi = await stripe.paymentIntents.confirm(
        pi.id,
        { payment_method: 'pm_card_visa' },
        { idempotencyKey: `linli-need-confirm:${pi.id}` },
      );
  } catch {
    throw preconditionFailed(
      'NEED_PAYMENT_FAILED',
      '付款没有成功，请再试一次 / The payment did not go through; try again.',
    );
  }
  if (pi.status !== 'succeeded' || pi.amount !== need.advancedFen)
    throw preconditionFailed(
      'NEED_PAYMENT_FAILED',
      '付款没有成功，请再试一次 / The payment did not go through; try again.',
    );
  return inTransaction(actor.ctx.db, async (tx) => {
    const locked = await lockNeed(tx, input.communityId, input.needId);
    if (locked.status === 'settled')
      return { needId: locked.id, status: locked.status, amountFen: locked.advancedFen };
    const now = ctx.now();
    const after = await transitionNeed(tx, {
      need: locked,
      to: 'settled',
      actorUserId: actor.userId,
      action: 'settle',
      now,
      set: { settlement: 'online', settledAt: now, settledBy: actor.userId, paymentIntentId: pi.id },
      payload: { settlement: 'online', amountFen: pi.amount, paymentIntentId: pi.id },
    });
    return { needId: after.id, status: after.status, amountFen: after.advancedFen };
  });
}
