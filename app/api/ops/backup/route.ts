/**
 * POST /api/ops/backup: `npm run db:backup` asks the server that owns the embedded database to take
 * the backup (server/ops/backup-local.ts). Loopback callers with the token in .data/backup-token only.
 */
import { getDatabase } from '@/db/client';
import { backupDatabase, pruneBackups } from '@/server/ops/backup';
import { backupDir, isLoopback, KEEP_BACKUPS, tokenMatches } from '@/server/ops/backup-local';
import { withOps } from '@/server/ops/http';
import { log } from '@/server/ops/log';
import { CLIENT_IP_HEADER } from '@/server/ops/rate-limits';

export const dynamic = 'force-dynamic';

export const POST = withOps('ops-backup', async (req, requestId) => {
  const token = req.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  if (!isLoopback(req.headers.get(CLIENT_IP_HEADER)) || !tokenMatches(token)) {
    return Response.json(
      {
        error: {
          code: 'FORBIDDEN',
          message: 'backups are asked for from this machine with .data/backup-token',
        },
      },
      { status: 403 },
    );
  }
  const database = await getDatabase();
  const manifest = await backupDatabase(database, { dir: backupDir(), url: process.env.DATABASE_URL });
  const removed = database.driver === 'pglite' ? pruneBackups(backupDir(), KEEP_BACKUPS) : [];
  log().info(
    { requestId, event: 'backup', file: manifest.file, bytes: manifest.bytes, digest: manifest.digest },
    'backup written',
  );
  return Response.json({ manifest, dir: backupDir(), removed: removed.length });
});
