import { retryPendingRefunds } from '@/server/services/payment/retry-pending-refunds';
import type { Job } from './registry';

/** Finishes refunds Stripe did not confirm yet, with their original idempotency keys. */
export const relayRefundsJob: Job = {
  name: 'relay-refunds',
  everyMs: 30_000,
  run: (database, now) => retryPendingRefunds(database, now),
};
