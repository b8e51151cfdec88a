/**
 * `npm run db:backup [dir]`: a backup with its manifest (server/ops/backup.ts) into `dir`
 * (default .data/backups, or LINLI_BACKUP_DIR). PostgreSQL (DATABASE_URL): `pg_dump -Fc`. Embedded
 * PGlite: asked of the running server when one owns the data directory, taken directly otherwise.
 */
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { backupDatabase, type Manifest } from '@/server/ops/backup';
import { backupDir, backupToken, pgliteDir, runningOwner } from '@/server/ops/backup-local';

const dir = path.resolve(process.argv[2] ?? backupDir());
const url = process.env.DATABASE_URL || undefined;

async function viaServer(port: number): Promise<Manifest> {
  const res = await fetch(`http://127.0.0.1:${port}/api/ops/backup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${backupToken()}` },
  });
  const body = (await res.json().catch(() => null)) as {
    manifest?: Manifest;
    error?: { message?: string };
  } | null;
  if (!res.ok || !body?.manifest) {
    throw new Error(
      `the running server (port ${port}) refused the backup: ${res.status} ${body?.error?.message ?? ''}`,
    );
  }
  if (dir !== path.resolve(backupDir())) {
    console.log(`[linli] note: the running server writes into ${backupDir()}, not ${dir}`);
  }
  return body.manifest;
}

async function direct(): Promise<Manifest> {
  const database = await openDatabase(url ? { url, max: 2 } : { dataDir: pgliteDir() });
  try {
    return await backupDatabase(database, { dir, url });
  } finally {
    await database.close();
  }
}

try {
  const owner = url ? null : runningOwner();
  const manifest = owner ? await viaServer(owner.port) : await direct();
  const rows = Object.values(manifest.tables).reduce((n, t) => n + t.rows, 0);
  console.log(
    `[linli] backup ${manifest.file} (${manifest.driver}${owner ? `, taken by the server pid ${owner.pid}` : ''}): ` +
      `${Object.keys(manifest.tables).length} tables, ${rows} rows, ${manifest.migrations} migrations, ` +
      `${(manifest.bytes / 1024).toFixed(0)} KiB, digest ${manifest.digest.slice(0, 16)}`,
  );
} catch (err) {
  console.error(`[linli] backup failed: ${(err as Error).message}`);
  process.exit(1);
}
