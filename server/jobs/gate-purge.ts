import { purgeGateEntries } from '@/server/services/health/purge-gate-entries';
import type { Job } from './registry';

/** Deletes gate register entries older than 14 days (server/services/health/purge-gate-entries.ts). */
export const gatePurgeJob: Job = {
  name: 'gate-purge',
  everyMs: 60 * 60_000,
  run: (database, now) => purgeGateEntries({ ctx: { db: database.db, now: () => now } }),
};
