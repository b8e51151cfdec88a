import { admissionExpiryJob } from './admission-expiry';
import { dailyBackupJob } from './backup';
import { gatePurgeJob } from './gate-purge';
import { needClaimExpiryJob } from './need-claim-expiry';
import { otpCleanupJob } from './otp-cleanup';
import type { Job } from './registry';
import { RELAY_JOBS } from './relay-jobs';

/** Every timed job of the app; each domain adds its own here. */
export const JOBS: Job[] = [
  otpCleanupJob,
  admissionExpiryJob,
  ...RELAY_JOBS,
  gatePurgeJob,
  needClaimExpiryJob,
  dailyBackupJob,
];
