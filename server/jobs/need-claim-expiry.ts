import { expireNeedClaims } from '@/server/services/needs/expire-need-claims';
import type { Job } from './registry';

/** Claims on needs that made no progress in time go back to the open list (server/services/needs). */
export const needClaimExpiryJob: Job = {
  name: 'need-claim-expiry',
  everyMs: 60_000,
  run: (database, now) => expireNeedClaims({ ctx: { db: database.db, now: () => now } }),
};
