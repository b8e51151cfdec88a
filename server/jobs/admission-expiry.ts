import { expireAdmissions } from '@/server/services/merchant/expire-admissions';
import type { Job } from './registry';

/**
 * Flips approved admissions to `expired` once a food permit or vehicle pass is past its date.
 * Every five minutes is plenty: the relay guard refuses a lapsed merchant at once anyway; this job
 * makes the state visible (queue, merchant's page, notifications).
 */
export const admissionExpiryJob: Job = {
  name: 'admission-expiry',
  everyMs: 5 * 60_000,
  run: (database, now) => expireAdmissions({ db: database.db, input: { now } }),
};
