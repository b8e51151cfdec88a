import type { Database } from '@/db/client';

/**
 * Timed work (relay opening and cutoff, unpaid-order expiry, admission expiry). Each job claims its
 * rows with `FOR UPDATE SKIP LOCKED` and is idempotent, so any number of app instances can run the
 * loop at once and nothing happens twice.
 */
export type Job = {
  name: string;
  /** How often to run, in ms. */
  everyMs: number;
  /** Does one round of work; returns how many items it handled. */
  run: (database: Database, now: Date) => Promise<number>;
};
