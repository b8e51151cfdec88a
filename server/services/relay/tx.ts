import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { pgErrorCode, PG_SERIALIZATION_FAILURE } from '@/server/services/shared/errors';

const PG_DEADLOCK = '40P01';

/**
 * Runs `fn` in one transaction, retrying a bounded number of times when PostgreSQL aborts it for
 * a deadlock or a serialization failure. Stock rows are always locked in item-id order, then the
 * household totals, then the relay row, then orders, so deadlocks should not happen; the retry is
 * the seatbelt for the cases we did not foresee, never a loop.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn);
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

/** A timestamp parameter for raw SQL: postgres.js does not bind Date objects in `sql` templates. */
export function ts(d: Date): SQL {
  return sql`${d.toISOString()}::timestamptz`;
}
