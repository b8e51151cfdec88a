import { z } from 'zod';
import { isStripeTestMode } from '@/server/payments/stripe';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { orderLinesOf, requireOrderAccess, requireRelay } from '@/server/services/relay/load';
import { idOf } from '@/server/services/shared/zod';
import { acceptedMethods } from './accepted-methods';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { memberships, users } from '@/db/schema';
import { maskName } from '@/server/services/shared/privacy';
import { cashAllowed } from './cash';
import { livePayment, toPaymentView, type OnlineMethod, type PaymentView } from './intents';

type PayMethod = OnlineMethod | 'cash';

/** The payer's name and whether they are of the household (else 代付: a volunteer, coordinator or relative). */
async function payerOf(db: DbOrTx, order: { communityId: string; householdId: string }, userId: string) {
  const [u] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  const [m] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.communityId, order.communityId),
        eq(memberships.householdId, order.householdId),
        eq(memberships.userId, userId),
        eq(memberships.role, 'resident'),
      ),
    );
  return { name: maskName(u?.name ?? ''), ofHousehold: !!m };
}

export const OrderPaymentInput = z.object({ communityId: idOf('小区'), orderId: idOf('订单') });
export type OrderPaymentInput = z.infer<typeof OrderPaymentInput>;

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
  const methods: PayMethod[] = await acceptedMethods(ctx.db, relay.merchantId);
  // 货到付款: offered beside the online methods for a phone-less care household on a cash relay.
  if (await cashAllowed(ctx.db, relay, order)) methods.push('cash');
  const payer = live?.payerUserId ? await payerOf(ctx.db, order, live.payerUserId) : null;
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
    /** Who chose the method / paid, and whether that was someone other than the household (代付). */
    payer,
    payable,
    methods,
    cashOnDelivery: order.cashOnDelivery,
    /** Stripe.js needs it for the card Payment Element; without it the card form is not offered live. */
    publishableKey: process.env.STRIPE_PUBLISHABLE_KEY || null,
    testMode: isStripeTestMode(),
    serverNow: now,
  };
}
