import type { Database, Db } from '@/db/client';
import * as schema from '@/db/schema';

/**
 * The same database seen through a drizzle instance that records every statement it sends, so a
 * test can assert how many statements a verb needs (e.g. one INSERT for a notice's 1,506 receipts).
 * `log` fills as statements run; clear it with `log.length = 0`.
 */
export async function countingDatabase(database: Database): Promise<{ database: Database; log: string[] }> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  const log: string[] = [];
  const logger = { logQuery: (query: string) => void log.push(query) };
  let db: Db;
  if (database.driver === 'pglite') {
    const { drizzle } = await import('drizzle-orm/pglite');
    db = drizzle({ client: client as never, schema, casing: 'snake_case', logger });
  } else {
    const { drizzle } = await import('drizzle-orm/postgres-js');
    db = drizzle({ client: client as never, schema, casing: 'snake_case', logger });
  }
  return { database: { ...database, db }, log };
}
