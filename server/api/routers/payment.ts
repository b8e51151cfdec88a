/**
 * Paying for an order. The webhook is a route handler (app/api/stripe/webhook), not tRPC: Stripe
 * signs raw bytes.
 */
import { z } from 'zod';
import {
  choosePaymentMethod,
  ChoosePaymentMethodInput,
} from '@/server/services/payment/choose-payment-method';
import { getOrderPayment } from '@/server/services/payment/get-order-payment';
import { payWithTestCard, TEST_CARDS } from '@/server/services/payment/pay-with-test-card';
import { reconcilePayment } from '@/server/services/payment/reconcile-payment';
import { communityProcedure, router } from '../trpc';

const id = (what: string) => z.uuid({ error: `${what}编号无效 / Invalid ${what} id` });

export const OrderPaymentInput = z.object({ communityId: id('小区'), orderId: id('订单') });
export type OrderPaymentInput = z.infer<typeof OrderPaymentInput>;

export const PayWithTestCardInput = OrderPaymentInput.extend({
  paymentMethod: z.enum(TEST_CARDS),
  idempotencyKey: z.string().min(8).max(100),
});
export type PayWithTestCardInput = z.infer<typeof PayWithTestCardInput>;

export const paymentRouter = router({
  get: communityProcedure()
    .input(OrderPaymentInput)
    .query(({ ctx, input }) => getOrderPayment({ ctx, input })),
  /** Picks the method: creates or reuses the order's PaymentIntent for it (idempotent). */
  choose: communityProcedure()
    .input(ChoosePaymentMethodInput)
    .mutation(({ ctx, input }) => choosePaymentMethod({ ctx, input })),
  payWithTestCard: communityProcedure()
    .input(PayWithTestCardInput)
    .mutation(({ ctx, input }) => payWithTestCard({ ctx, input })),
  reconcile: communityProcedure()
    .input(OrderPaymentInput)
    .mutation(({ ctx, input }) => reconcilePayment({ ctx, input })),
});
