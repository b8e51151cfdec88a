import { backupDatabase, newestBackupAt, pruneBackups } from '@/server/ops/backup';
import { backupDir, backupDue, KEEP_BACKUPS } from '@/server/ops/backup-local';
import { log } from '@/server/ops/log';
import type { Job } from './registry';

/**
 * The daily backup of the embedded database into .data/backups/ (the last 7 kept). PostgreSQL
 * deployments back up with their own schedule (`npm run db:backup` from cron; docs/OPERATIONS.md).
 * Checked hourly; LINLI_BACKUPS=0 turns it off.
 */
export const dailyBackupJob: Job = {
  name: 'daily-backup',
  everyMs: 3600_000,
  run: async (database, now) => {
    if (database.driver !== 'pglite' || process.env.LINLI_BACKUPS === '0') return 0;
    const dir = backupDir();
    if (!backupDue(newestBackupAt(dir), now)) return 0;
    const manifest = await backupDatabase(database, { dir, now });
    const removed = pruneBackups(dir, KEEP_BACKUPS);
    log().info(
      { event: 'backup', file: manifest.file, bytes: manifest.bytes, removed: removed.length },
      'daily backup written',
    );
    return 1;
  },
};
