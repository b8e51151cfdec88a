import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { orders, payments } from '@/db/schema';
import { getStripe } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { requireOrderAccess } from '@/server/services/relay/load';
import { idOf } from '@/server/services/shared/zod';
import { applyPaymentIntent, callStripe, isMissingIntent, markCanceled } from './intents';

export const ReconcilePaymentInput = z.object({ communityId: idOf('小区'), orderId: idOf('订单') });
export type ReconcilePaymentInput = z.infer<typeof ReconcilePaymentInput>;

/**
 * The return page asks Stripe directly what became of the order's intents and applies it, so a
 * lost or late webhook never leaves a paid order unpaid (the webhook, arriving later, is then a
 * no-op). Returns the order's status afterwards.
 */
export async function reconcilePayment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ReconcilePaymentInput;
}) {
  requireUser(ctx);
  const order = await requireOrderAccess(ctx, ctx.db, input.communityId, input.orderId);
  const rows = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.communityId, input.communityId), eq(payments.orderId, order.id)));
  let changed = false;
  for (const p of rows) {
    if (p.status === 'succeeded' || !p.stripePaymentIntentId) continue;
    const piId = p.stripePaymentIntentId;
    let pi;
    try {
      pi = await callStripe(() => getStripe().paymentIntents.retrieve(piId));
    } catch (e) {
      // Stripe forgot it (the mock restarted): it can never be paid; the pay page makes a new one.
      if (!isMissingIntent(e)) throw e;
      if (p.status !== 'canceled') await markCanceled(ctx.db, p);
      changed = true;
      continue;
    }
    const outcome = await applyPaymentIntent(ctx.database, pi);
    changed ||= outcome.paid || outcome.refunds.length > 0;
  }
  const [now] = await ctx.db
    .select({ status: orders.status, paidAt: orders.paidAt })
    .from(orders)
    .where(and(eq(orders.communityId, input.communityId), eq(orders.id, order.id)));
  return { orderId: order.id, status: now!.status, paidAt: now!.paidAt, changed };
}
