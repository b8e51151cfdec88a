/**
 * What the relay's lifecycle needs from payment: find an order's live payment, cancel its intent,
 * reserve refunds inside the transaction and execute them after commit. Payment builds on relay
 * (orders, their lifecycle, the chain bus), so relay must not import payment back
 * (docs/ARCHITECTURE.md, Layers: no import cycle between domains): payment registers these
 * functions here at startup (`payment/order-payments.ts`, imported by the API root, the relay jobs
 * and the integration tests' setup), and relay calls them through `orderPayments()`.
 */
import type { cancelPaymentIntent, livePayment } from '@/server/services/payment/intents';
import type {
  executeRefunds,
  RefundRow as PaymentRefundRow,
  reserveRefund,
} from '@/server/services/payment/refunds';

export type RefundRow = PaymentRefundRow;

type OrderPayments = {
  livePayment: typeof livePayment;
  cancelPaymentIntent: typeof cancelPaymentIntent;
  reserveRefund: typeof reserveRefund;
  executeRefunds: typeof executeRefunds;
};

let wired: OrderPayments | null = null;

export function registerOrderPayments(payments: OrderPayments): void {
  wired = payments;
}

export function orderPayments(): OrderPayments {
  if (!wired)
    throw new Error(
      '[relay] payments are not wired: import @/server/services/payment/order-payments once at startup',
    );
  return wired;
}
