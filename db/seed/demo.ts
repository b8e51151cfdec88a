import type { Database } from '@/db/client';

/**
 * Loads the demo compound (钟楼新村) when the database has no community yet.
 * Returns a one-line summary of what was created, or null when there was data already.
 * PLACEHOLDER: the seed lands with issue #2 item 4.
 */
export async function seedDemoIfEmpty(_database: Database): Promise<string | null> {
  return null;
}
