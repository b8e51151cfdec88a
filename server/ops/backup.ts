/**
 * Backups that restore (docs/OPERATIONS.md). A backup is two files side by side:
 * - the data: `linli-<driver>-<time>.tar.gz` (PGlite `dumpDataDir`) or `.dump` (`pg_dump -Fc`);
 * - `<same name>.manifest.json`: time, migration count, rows and a digest per table, one overall.
 * Digests are computed in SQL the same way on both drivers (md5 of each row's text form in UTC,
 * sorted bytewise), so a PGlite backup restored into PostgreSQL gives the same digests.
 * A restore only goes into an empty database and is verified against the manifest.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import {
  countMigrations,
  migrateDatabase,
  openDatabase,
  queryRows,
  type Database,
  type DbOrTx,
  type Driver,
} from '@/db/client';
import { inTransaction } from '@/server/services/shared/tx';

export const MANIFEST_FORMAT = 'linli-backup/1';

export type TableDigest = { rows: number; digest: string };
export type Digests = { migrations: number; tables: Record<string, TableDigest>; digest: string };
export type Manifest = Digests & {
  format: typeof MANIFEST_FORMAT;
  driver: Driver;
  createdAt: string;
  /** The data file's name, in the manifest's directory. */
  file: string;
  bytes: number;
};

/** Why a restore did not happen; the message says what to do. */
export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function userTables(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name collate "C"`,
  );
  return rows.map((r) => r.name);
}

/** Rows and digest of every table in `public`, plus the migration count, in one snapshot. */
export async function computeDigests(database: Database): Promise<Digests> {
  const body = async (tx: DbOrTx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    return digestsIn(tx);
  };
  return database.driver === 'postgres'
    ? inTransaction(database.db, body, {
        config: { isolationLevel: 'repeatable read', accessMode: 'read only' },
      })
    : inTransaction(database.db, body);
}

async function digestsIn(tx: DbOrTx): Promise<Digests> {
  const tables: Record<string, TableDigest> = {};
  for (const name of await userTables(tx)) {
    const [r] = await queryRows<{ n: number; d: string }>(
      tx,
      sql.raw(`select count(*)::int as n,
          md5(coalesce(string_agg(h, '' order by h collate "C"), '')) as d
        from (select md5(t::text) as h from public.${ident(name)} t) s`),
    );
    tables[name] = { rows: Number(r!.n), digest: r!.d };
  }
  const migrations = await countMigrations(tx);
  return { migrations, tables, digest: overallDigest(migrations, tables) };
}

export function overallDigest(migrations: number, tables: Record<string, TableDigest>): string {
  const h = createHash('sha256').update(`migrations:${migrations}\n`);
  for (const name of Object.keys(tables).sort()) {
    h.update(`${name}:${tables[name]!.rows}:${tables[name]!.digest}\n`);
  }
  return h.digest('hex');
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function manifestPathFor(file: string): string {
  if (file.endsWith('.manifest.json')) return file;
  return file.replace(/\.(tar\.gz|dump)$/, '') + '.manifest.json';
}

function writeManifest(dataFile: string, driver: Driver, now: Date, d: Digests): Manifest {
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    driver,
    createdAt: now.toISOString(),
    file: path.basename(dataFile),
    bytes: statSync(dataFile).size,
    ...d,
  };
  writeFileSync(manifestPathFor(dataFile), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export function readManifest(file: string): { manifest: Manifest; dataFile: string } {
  const mp = manifestPathFor(file);
  if (!existsSync(mp)) throw new RestoreRefused(`no manifest next to ${file} (expected ${mp})`);
  const manifest = JSON.parse(readFileSync(mp, 'utf8')) as Manifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new RestoreRefused(`${mp} is not a Linli backup manifest`);
  const dataFile = path.join(path.dirname(mp), manifest.file);
  if (!existsSync(dataFile)) throw new RestoreRefused(`the manifest names ${dataFile}, which is missing`);
  return { manifest, dataFile };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) =>
      reject(
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(
              `${cmd} not found: install Debian's postgresql-client (apt-get install postgresql-client)`,
            )
          : e,
      ),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.trim()}`)),
    );
  });
}

/** Opens a PGlite backup in memory (to digest it, or to copy from it). */
async function openPgliteBackup(dataFile: string): Promise<Database> {
  return openDatabase({ loadDataDir: new Blob([readFileSync(dataFile)]) });
}

/**
 * Writes a backup of `database` into `dir`. PGlite: its data directory dump, digested from the
 * dump itself (so the manifest is exactly what the file holds). PostgreSQL: `pg_dump -Fc` of the
 * snapshot the digests were computed in (`url` is the database's connection URL).
 */
export async function backupDatabase(
  database: Database,
  opts: { dir: string; url?: string; now?: Date },
): Promise<Manifest> {
  const now = opts.now ?? new Date();
  mkdirSync(opts.dir, { recursive: true });
  const base = path.join(opts.dir, `linli-${database.driver}-${stamp(now)}`);
  if (database.driver === 'pglite') {
    if (!database.dumpDataDir) throw new Error('this PGlite database cannot dump its data directory');
    const file = `${base}.tar.gz`;
    writeFileSync(file, Buffer.from(await (await database.dumpDataDir()).arrayBuffer()));
    const copy = await openPgliteBackup(file);
    try {
      return writeManifest(file, 'pglite', now, await computeDigests(copy));
    } finally {
      await copy.close();
    }
  }
  if (!opts.url) throw new Error('a PostgreSQL backup needs the database URL (DATABASE_URL)');
  const file = `${base}.dump`;
  const digests = await inTransaction(
    database.db,
    async (tx) => {
      await tx.execute(sql`set local timezone = 'UTC'`);
      const [s] = await queryRows<{ id: string }>(tx, sql`select pg_export_snapshot() as id`);
      await run('pg_dump', ['-Fc', '--no-owner', `--snapshot=${s!.id}`, '-f', file, '-d', opts.url!]);
      return digestsIn(tx);
    },
    // pg_dump writes a file: run once, no retry.
    { attempts: 1, config: { isolationLevel: 'repeatable read', accessMode: 'read only' } },
  );
  return writeManifest(file, 'postgres', now, digests);
}

/** Tables and rows already in a PostgreSQL database (a restore needs none). */
async function existingTables(db: DbOrTx): Promise<number> {
  const [r] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema')`,
  );
  return Number(r!.n);
}

export type RestoreTarget = { url: string } | { dataDir: string };
export type RestoreResult = {
  manifest: Manifest;
  restored: Digests;
  /** Tables whose rows or digest differ from the manifest (empty: verified). */
  mismatches: string[];
};

/** Restores the backup `file` (data file or manifest) into an empty database and verifies it. */
export async function restoreBackup(file: string, target: RestoreTarget): Promise<RestoreResult> {
  const { manifest, dataFile } = readManifest(file);
  let database: Database;
  if ('dataDir' in target) {
    if (manifest.driver !== 'pglite') {
      throw new RestoreRefused(
        'a PostgreSQL backup restores into PostgreSQL: set DATABASE_URL to an empty database',
      );
    }
    if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0) {
      throw new RestoreRefused(
        `refusing to restore: ${target.dataDir} is not empty. Stop the server, move that directory ` +
          'aside (or set PGLITE_DIR to a new one) and run the restore again.',
      );
    }
    mkdirSync(target.dataDir, { recursive: true });
    database = await openDatabase({
      dataDir: target.dataDir,
      loadDataDir: new Blob([readFileSync(dataFile)]),
    });
  } else {
    database = await openDatabase({ url: target.url, max: 2 });
    try {
      const n = await existingTables(database.db);
      if (n > 0) {
        throw new RestoreRefused(
          `refusing to restore: the target database already has ${n} tables. Restore into an empty ` +
            'database (createdb linli_restored, then DATABASE_URL=…/linli_restored npm run db:restore <file>).',
        );
      }
      if (manifest.driver === 'postgres') {
        await run('pg_restore', [
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          '-d',
          target.url,
          dataFile,
        ]);
      } else {
        await copyPgliteIntoPostgres(dataFile, manifest, database);
      }
    } catch (err) {
      await database.close();
      throw err;
    }
  }
  try {
    const restored = await computeDigests(database);
    const mismatches = compareDigests(manifest, restored);
    return { manifest, restored, mismatches };
  } finally {
    await database.close();
  }
}

export function compareDigests(expected: Digests, actual: Digests): string[] {
  const names = new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)]);
  const out: string[] = [];
  if (expected.migrations !== actual.migrations) {
    out.push(`migrations: ${expected.migrations} in the backup, ${actual.migrations} restored`);
  }
  for (const name of [...names].sort()) {
    const e = expected.tables[name];
    const a = actual.tables[name];
    if (!e || !a || e.rows !== a.rows || e.digest !== a.digest) {
      out.push(
        `${name}: ${e ? `${e.rows} rows` : 'absent'} in the backup, ${a ? `${a.rows} rows` : 'absent'} restored`,
      );
    }
  }
  return out;
}

/**
 * The PGlite → PostgreSQL move: migrate the empty target with this code's migrations (the same
 * number the backup has), then copy every table's rows as JSON, with foreign-key triggers off for
 * the copy (session_replication_role = replica; the restoring role must be a superuser).
 */
async function copyPgliteIntoPostgres(dataFile: string, manifest: Manifest, target: Database): Promise<void> {
  const applied = await migrateDatabase(target);
  if (applied !== manifest.migrations) {
    throw new RestoreRefused(
      `the backup has ${manifest.migrations} migrations and this version of Linli ${applied}: ` +
        'start this version once on the PGlite data (it migrates), back up again, then move that backup',
    );
  }
  const source = await openPgliteBackup(dataFile);
  try {
    const tables = await userTables(source.db);
    await inTransaction(target.db, async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      for (const name of tables) {
        const t = `public.${ident(name)}`;
        for (let offset = 0; ; offset += 2000) {
          const rows = await queryRows<{ j: string }>(
            source.db,
            sql.raw(`select row_to_json(t)::text as j from ${t} t order by ctid limit 2000 offset ${offset}`),
          );
          if (rows.length === 0) break;
          await tx.execute(
            sql`insert into ${sql.raw(t)} select * from json_populate_recordset(null::${sql.raw(t)}, ${`[${rows.map((r) => r.j).join(',')}]`}::json)`,
          );
          if (rows.length < 2000) break;
        }
      }
    });
  } finally {
    await source.close();
  }
}

/** Keeps the newest `keep` backups in `dir` (by the time in the manifest), deletes the rest. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!existsSync(dir)) return [];
  const manifests = readdirSync(dir)
    .filter((f) => f.endsWith('.manifest.json'))
    .map((f) => {
      const p = path.join(dir, f);
      try {
        const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
        return { p, m, at: Date.parse(m.createdAt) || 0 };
      } catch {
        return { p, m: null, at: 0 };
      }
    })
    .sort((a, b) => b.at - a.at);
  const removed: string[] = [];
  for (const { p, m } of manifests.slice(keep)) {
    if (m?.file) rmSync(path.join(dir, m.file), { force: true });
    rmSync(p, { force: true });
    removed.push(p);
  }
  return removed;
}

/** The newest backup's time in `dir`, or null. */
export function newestBackupAt(dir: string): Date | null {
  if (!existsSync(dir)) return null;
  let newest = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.manifest.json'))) {
    try {
      const m = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Manifest;
      newest = Math.max(newest, Date.parse(m.createdAt) || 0);
    } catch {
      /* a half-written manifest: ignored */
    }
  }
  return newest ? new Date(newest) : null;
}
