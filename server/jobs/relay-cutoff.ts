import { closeDueRelays, settleClosedRelays } from '@/server/services/relay/run-relay-schedule';
import type { Job } from './registry';

/** Closes relays at cutoff (or when all capped stock is paid for), then decides formed | failed. */
export const relayCutoffJob: Job = {
  name: 'relay-cutoff',
  everyMs: 15_000,
  run: async (database, now) =>
    (await closeDueRelays(database, now)) + (await settleClosedRelays(database, now)),
};
