import { pruneOtpChallenges } from '@/server/services/auth/prune-otp-challenges';
import type { Job } from './registry';

/** Drops sign-in code challenges older than a day (server/services/auth/prune-otp-challenges.ts). */
export const otpCleanupJob: Job = {
  name: 'otp-cleanup',
  everyMs: 15 * 60_000,
  run: (database, now) => pruneOtpChallenges({ ctx: { db: database.db, now: () => now } }),
};
