import { expireUnpaidOrders } from '@/server/services/relay/expire-orders';
import type { Job } from './registry';

/** Unpaid orders whose hold ended give their stock back. */
export const relayExpireJob: Job = {
  name: 'relay-expire',
  everyMs: 10_000,
  run: (database, now) => expireUnpaidOrders(database, now),
};
