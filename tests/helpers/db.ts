import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { openDatabase, type Database } from '@/db/client';
import { withDatabase } from './global-setup';

/**
 * A fresh, migrated database for one test file: a copy of the migrated template on PostgreSQL,
 * or a PGlite loaded from the migrated dump. Close it in `afterAll`.
 */
export async function createTestDatabase(): Promise<Database> {
  const cfg = inject('testDb');
  if (cfg.driver === 'pglite') {
    const blob = new Blob([readFileSync(cfg.dumpPath)]);
    return openDatabase({ loadDataDir: blob });
  }
  const name = `${cfg.template.replace('tpl', 't')}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ url: cfg.adminUrl, max: 1 });
  try {
    await admin.db.execute(sql.raw(`create database ${name} template ${cfg.template}`));
  } finally {
    await admin.close();
  }
  return openDatabase({ url: withDatabase(cfg.adminUrl, name), max: 20 });
}

export function testDriver(): 'pglite' | 'postgres' {
  return inject('testDb').driver;
}
