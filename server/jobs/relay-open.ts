import { openDueRelays } from '@/server/services/relay/run-relay-schedule';
import type { Job } from './registry';

/** Opens scheduled relays at their opening time. */
export const relayOpenJob: Job = {
  name: 'relay-open',
  everyMs: 15_000,
  run: (database, now) => openDueRelays(database, now),
};
