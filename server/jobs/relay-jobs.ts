import '@/server/services/payment/order-payments'; // wires refunds into the relay lifecycle
import { relayCutoffJob } from './relay-cutoff';
import { relayExpireJob } from './relay-expire';
import { relayOpenJob } from './relay-open';
import { relayRefundsJob } from './relay-refunds';
import type { Job } from './registry';

/** The relay's clock: opening, unpaid-hold expiry, cutoff and decision, refunds still pending. */
export const RELAY_JOBS: Job[] = [relayOpenJob, relayExpireJob, relayCutoffJob, relayRefundsJob];
