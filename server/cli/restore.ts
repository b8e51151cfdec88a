/**
 * `npm run db:restore <file>`: restores a backup (its data file or manifest) into an empty database
 * and verifies every table against the manifest (server/ops/backup.ts). Target: DATABASE_URL
 * (PostgreSQL; a PGlite backup is moved into it), else the embedded data directory (PGLITE_DIR or
 * .data/pglite), which must not exist or be empty. Exit 0 verified, 1 mismatch or failure, 2 refused.
 */
import { restoreBackup, RestoreRefused } from '@/server/ops/backup';
import { pgliteDir, runningOwner } from '@/server/ops/backup-local';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run db:restore <backup file or its .manifest.json>');
  process.exit(2);
}
const url = process.env.DATABASE_URL || undefined;

try {
  if (!url && runningOwner()) {
    throw new RestoreRefused(`a running server owns ${pgliteDir()}: stop it first`);
  }
  const t0 = Date.now();
  const result = await restoreBackup(file, url ? { url } : { dataDir: pgliteDir() });
  const target = url ? url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@') : pgliteDir();
  if (result.mismatches.length) {
    console.error(`[linli] restored into ${target}, but it does not match the manifest:`);
    for (const m of result.mismatches) console.error(`  ${m}`);
    process.exit(1);
  }
  const rows = Object.values(result.restored.tables).reduce((n, t) => n + t.rows, 0);
  console.log(
    `[linli] restored ${result.manifest.file} (${result.manifest.driver}, ${result.manifest.createdAt}) into ${target} ` +
      `in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${Object.keys(result.restored.tables).length} tables, ${rows} rows, ` +
      `every digest matches (${result.restored.digest.slice(0, 16)})`,
  );
} catch (err) {
  console.error(
    `[linli] restore ${err instanceof RestoreRefused ? 'refused' : 'failed'}: ${(err as Error).message}`,
  );
  process.exit(err instanceof RestoreRefused ? 2 : 1);
}
