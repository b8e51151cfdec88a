/**
 * The daily backup's bookkeeping (server/jobs/backup.ts): a backup is due once a day, and only the
 * newest seven backups (data file and manifest) are kept, whatever order the files were written in.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newestBackupAt, pruneBackups } from '@/server/ops/backup';
import { backupDue, KEEP_BACKUPS } from '@/server/ops/backup-local';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeBackup(day: number) {
  const at = new Date(Date.UTC(2022, 3, day, 2, 0, 0));
  const base = `linli-pglite-2022-04-${String(day).padStart(2, '0')}`;
  writeFileSync(path.join(dir, `${base}.tar.gz`), 'data');
  writeFileSync(
    path.join(dir, `${base}.manifest.json`),
    JSON.stringify({ format: 'linli-backup/1', createdAt: at.toISOString(), file: `${base}.tar.gz` }),
  );
}

describe('daily backup retention', () => {
  it('keeps the newest seven backups with their manifests and deletes the older ones', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-retention-'));
    for (const day of [5, 1, 9, 3, 10, 2, 8, 4, 7, 6]) fakeBackup(day);
    writeFileSync(path.join(dir, 'notes.txt'), 'an operator file');
    const removed = pruneBackups(dir, KEEP_BACKUPS);
    expect(removed.map((p) => path.basename(p)).sort()).toEqual([
      'linli-pglite-2022-04-01.manifest.json',
      'linli-pglite-2022-04-02.manifest.json',
      'linli-pglite-2022-04-03.manifest.json',
    ]);
    const left = readdirSync(dir).sort();
    expect(left.filter((f) => f.endsWith('.tar.gz'))).toHaveLength(7);
    expect(left.filter((f) => f.endsWith('.manifest.json'))).toHaveLength(7);
    expect(left).not.toContain('linli-pglite-2022-04-03.tar.gz');
    expect(left).toContain('linli-pglite-2022-04-04.tar.gz');
    expect(left).toContain('notes.txt');
    // A second pass has nothing to do.
    expect(pruneBackups(dir, KEEP_BACKUPS)).toEqual([]);
    expect(newestBackupAt(dir)?.toISOString()).toBe('2022-04-10T02:00:00.000Z');
  });

  it('is due when there is no backup yet or the newest is a day old, not before', () => {
    const newest = new Date('2022-04-10T02:00:00Z');
    expect(backupDue(null, newest)).toBe(true);
    expect(backupDue(newest, new Date('2022-04-10T14:00:00Z'))).toBe(false);
    expect(backupDue(newest, new Date('2022-04-11T01:00:00Z'))).toBe(false);
    expect(backupDue(newest, new Date('2022-04-11T02:00:00Z'))).toBe(true);
  });
});
