/**
 * A fresh database per run: a new PostgreSQL database next to BENCH_DATABASE_URL (default the
 * machine's `postgres` database over loopback), or a new PGlite data directory under /tmp. Either
 * is dropped at the end unless BENCH_KEEP=1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type Driver } from '@/db/client';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = {
  driver: Driver;
  /** What the server gets: DATABASE_URL or PGLITE_DIR. */
  serverEnv: Record<string, string>;
  /** Opens a connection from the bench process (on PGlite only while no server holds the directory). */
  open(max?: number): Promise<Database>;
  /** postgres:// URL of the run's database (PostgreSQL only). */
  url: string | null;
  label: string;
  drop(): Promise<void>;
};

export async function createBenchDatabase(driver: Driver): Promise<BenchDatabase> {
  const keep = process.env.BENCH_KEEP === '1';
  if (driver === 'postgres') {
    const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
    const name = `linli_bench_${randomBytes(4).toString('hex')}`;
    const admin = await openDatabase({ url: adminUrl, max: 1 });
    await admin.db.execute(sql.raw(`create database ${name}`));
    await admin.close();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    return {
      driver,
      url,
      label: name,
      serverEnv: { DATABASE_URL: url },
      open: (max = 4) => openDatabase({ url, max }),
      drop: async () => {
        if (keep) return console.error(`[bench] kept database ${url}`);
        const a = await openDatabase({ url: adminUrl, max: 1 });
        try {
          await a.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
        } finally {
          await a.close();
        }
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'linli-bench-pglite-'));
  return {
    driver,
    url: null,
    label: dir,
    // The server must not fall back to a DATABASE_URL of the caller's shell.
    serverEnv: { PGLITE_DIR: dir, DATABASE_URL: '' },
    open: () => openDatabase({ dataDir: dir }),
    drop: async () => {
      if (keep) return console.error(`[bench] kept PGlite data in ${dir}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
