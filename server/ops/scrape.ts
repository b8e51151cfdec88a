/**
 * The gauges that are read from the database when /api/metrics is scraped, and the readiness
 * check of /api/ready. Each query is small and bounded; a database that does not answer makes
 * the scrape report `linli_db_up 0` rather than fail.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { countMigrations, MIGRATIONS_FOLDER, queryRows, type Database } from '@/db/client';
import { isShuttingDown } from './lifecycle';
import { metrics } from './metrics';

export async function collectDatabaseGauges(database: Database, now = new Date()): Promise<void> {
  const m = metrics();
  const [refunds] = await queryRows<{ n: number; oldest: string | Date | null }>(
    database.db,
    sql`select count(*)::int as n, min(created_at) as oldest from refunds where status = 'pending'`,
  );
  m.refundsPending.set(Number(refunds?.n ?? 0));
  m.refundsPendingOldest.set(
    refunds?.oldest ? Math.max(0, (now.getTime() - new Date(refunds.oldest).getTime()) / 1000) : 0,
  );
  if (database.driver === 'postgres') {
    const rows = await queryRows<{ state: string | null; n: number }>(
      database.db,
      sql`select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
           where datname = current_database() and application_name = 'linli' group by 1`,
    );
    m.dbConnections.reset();
    for (const r of rows) m.dbConnections.set({ state: r.state ?? 'unknown' }, Number(r.n));
    // getDatabase() opens postgres.js with its default pool of 10 (db/client.ts).
    m.dbPoolMax.set(10);
  } else {
    m.dbPoolMax.set(1);
  }
  const inFlight = (await m.inFlight.get()).values[0]?.value ?? 0;
  const poolMax = (await m.dbPoolMax.get()).values[0]?.value ?? 1;
  m.dbPoolWaiting.set(Math.max(0, inFlight - poolMax));
  m.jobLag.reset();
  for (const [job, at] of m.lastJobOk) m.jobLag.set({ job }, Math.max(0, (now.getTime() - at) / 1000));
}

/** How many migrations this build ships (drizzle's journal). */
export function shippedMigrations(folder = MIGRATIONS_FOLDER): number {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

export type Readiness = {
  ready: boolean;
  database: boolean;
  migrations: { applied: number; shipped: number } | null;
  shuttingDown: boolean;
};

export async function checkReadiness(getDb: () => Promise<Database>, timeoutMs = 3000): Promise<Readiness> {
  const shuttingDown = isShuttingDown();
  let migrations: Readiness['migrations'] = null;
  let database = false;
  try {
    const applied = await Promise.race([
      getDb().then((d) => countMigrations(d.db)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    database = true;
    migrations = { applied, shipped: shippedMigrations() };
  } catch {
    database = false;
  }
  const current = migrations !== null && migrations.applied >= migrations.shipped;
  return { ready: database && current && !shuttingDown, database, migrations, shuttingDown };
}
