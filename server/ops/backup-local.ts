/**
 * Where backups live on this machine and how `npm run db:backup` reaches a running server that owns
 * the embedded database (PGlite allows one process per data directory):
 * - the server writes `.data/pglite-owner.json` (its pid and port) at boot and removes it on exit;
 * - both sides read the token in `.data/backup-token` (created 0600 by whoever needs it first);
 * - POST /api/ops/backup answers only a loopback caller holding that token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dataRoot = () => path.join(process.cwd(), '.data');

export function pgliteDir(): string {
  return process.env.PGLITE_DIR ?? path.join(dataRoot(), 'pglite');
}

export function backupDir(): string {
  return process.env.LINLI_BACKUP_DIR ?? path.join(dataRoot(), 'backups');
}

/** Backups the job loop keeps on the embedded default. */
export const KEEP_BACKUPS = 7;
export const DAY_MS = 24 * 3600_000;

/** A daily backup is due when there is none yet or the newest is a day old. */
export function backupDue(newest: Date | null, now: Date): boolean {
  return !newest || now.getTime() - newest.getTime() >= DAY_MS - 60_000;
}

export function backupToken(): string {
  const file = path.join(dataRoot(), 'backup-token');
  if (!existsSync(file)) {
    mkdirSync(dataRoot(), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

export function tokenMatches(given: string | null | undefined): boolean {
  const want = Buffer.from(backupToken());
  const got = Buffer.from(given ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
export function isLoopback(address: string | null | undefined): boolean {
  return !!address && LOOPBACK.has(address.trim());
}

const ownerFile = () => path.join(dataRoot(), 'pglite-owner.json');
type Owner = { pid: number; port: number; dataDir: string };

export function claimPgliteOwnership(port: number): void {
  mkdirSync(dataRoot(), { recursive: true });
  const owner: Owner = { pid: process.pid, port, dataDir: pgliteDir() };
  writeFileSync(ownerFile(), JSON.stringify(owner) + '\n');
  backupToken();
  process.once('exit', () => {
    if (runningOwner()?.pid === process.pid) rmSync(ownerFile(), { force: true });
  });
}

/** The server that owns the embedded data directory, when one is running. */
export function runningOwner(): Owner | null {
  if (!existsSync(ownerFile())) return null;
  try {
    const owner = JSON.parse(readFileSync(ownerFile(), 'utf8')) as Owner;
    if (path.resolve(owner.dataDir) !== path.resolve(pgliteDir())) return null;
    process.kill(owner.pid, 0);
    return owner;
  } catch {
    return null;
  }
}
