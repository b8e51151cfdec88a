/**
 * Wires payment into the relay's lifecycle (relay/order-payments.ts): imported once for its
 * effect by every entry point that runs relay verbs — the API root, the relay jobs, the tests.
 */
import { registerOrderPayments } from '@/server/services/relay/order-payments';
import { cancelPaymentIntent, livePayment } from './intents';
import { executeRefunds, reserveRefund } from './refunds';

registerOrderPayments({ livePayment, cancelPaymentIntent, reserveRefund, executeRefunds });
