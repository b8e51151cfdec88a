import { sql, type SQL } from 'drizzle-orm';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@/db/client';
import { pgErrorCode, PG_DEADLOCK, PG_SERIALIZATION_FAILURE } from './errors';

type TransactionOptions = {
  /** How many times to run `fn` in all; 1 turns the retry off (the body has outside effects). */
  attempts?: number;
  /** Isolation level and access mode, passed to BEGIN. */
  config?: PgTransactionConfig;
};

/**
 * The one way to open a transaction (docs/ARCHITECTURE.md, Transactions). Runs `fn` in one
 * transaction, retrying a bounded number of times when PostgreSQL aborts it for a deadlock or a
 * serialization failure. Stock rows are always locked in item-id order, then the household totals,
 * then the relay row, then orders, so deadlocks should not happen; the retry is the seatbelt for
 * the cases we did not foresee, never a loop. A retried body runs again from the start, so it must
 * not change anything outside the database (call Stripe, notify, count into an outer variable)
 * before it commits — do those after, with what it returned.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  { attempts = 4, config }: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn, config);
    } catch (e) {
      const code = pgErrorCode(e);
      if ((code === PG_DEADLOCK || code === PG_SERIALIZATION_FAILURE) && attempt < attempts) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 20)));
        continue;
      }
      throw e;
    }
  }
}

/**
 * A savepoint inside an open transaction: when `fn` throws, only its own writes are rolled back and
 * the caller's transaction goes on (one relay's failure must not undo the others in a batch).
 * Never retried: a deadlock aborts the outer transaction, which retries as a whole.
 */
export function inSavepoint<T>(tx: Tx, fn: (sp: Tx) => Promise<T>): Promise<T> {
  return tx.transaction(fn);
}

/** A timestamp parameter for raw SQL: postgres.js does not bind Date objects in `sql` templates. */
export function ts(d: Date): SQL {
  return sql`${d.toISOString()}::timestamptz`;
}
