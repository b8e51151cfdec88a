/**
 * Paying for an order. The webhook is a route handler (app/api/stripe/webhook), not tRPC: Stripe
 * signs raw bytes.
 */
import {
  choosePaymentMethod,
  ChoosePaymentMethodInput,
} from '@/server/services/payment/choose-payment-method';
import { getOrderPayment, OrderPaymentInput } from '@/server/services/payment/get-order-payment';
import { payWithTestCard, PayWithTestCardInput } from '@/server/services/payment/pay-with-test-card';
import { reconcilePayment, ReconcilePaymentInput } from '@/server/services/payment/reconcile-payment';
import { communityProcedure, router } from '@/server/api/trpc';

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
    .input(ReconcilePaymentInput)
    .mutation(({ ctx, input }) => reconcilePayment({ ctx, input })),
});
