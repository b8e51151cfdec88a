import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { resilientClient, withConnectionRetry } from './resilience';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one database type services see; both drivers produce it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;
export type Driver = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  driver: Driver;
  /** Publish to other listeners (NOTIFY on PostgreSQL, in-process on PGlite, which is one process). */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Subscribe; returns the unsubscribe function. `onListen` runs each time the LISTEN is (re)made:
   * after a dropped connection, notifications may have been missed, so listeners re-read.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (a consistent copy; server/ops/backup.ts). */
  dumpDataDir?: () => Promise<Blob>;
}

export const MIGRATIONS_FOLDER =
  process.env.LINLI_MIGRATIONS_DIR ?? path.join(process.cwd(), 'db/migrations');

export interface OpenOptions {
  /** postgres:// URL; when absent, embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** A PGlite `dumpDataDir()` tarball to start from (tests clone a migrated database this way). */
  loadDataDir?: Blob;
  /** postgres.js pool size. */
  max?: number;
  /** Sees every statement drizzle sends (the Citus routing test captures them this way). */
  onStatement?: (query: string, params: unknown[]) => void;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options.max, options.onStatement) : openPglite(options);
}

const seconds = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function statementLogger(onStatement: OpenOptions['onStatement']) {
  return onStatement
    ? { logQuery: (query: string, params: unknown[]) => onStatement(query, params) }
    : undefined;
}

async function openPostgres(
  url: string,
  max = 10,
  onStatement?: OpenOptions['onStatement'],
): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'linli' },
    // The driver's 30 s default connect timeout made requests hang for 31 s after a failover;
    // a request retries within a 3 s budget instead (db/resilience.ts).
    connect_timeout: seconds('LINLI_DB_CONNECT_TIMEOUT_S', 2),
    // Idle connections are closed (and replaced on demand) rather than found dead later.
    idle_timeout: seconds('LINLI_DB_IDLE_TIMEOUT_S', 30),
    max_lifetime: seconds('LINLI_DB_MAX_LIFETIME_S', 30 * 60),
    // Reconnect quickly after a drop, backing off while the server stays away.
    backoff: (attempt: number) => Math.min(2, 0.05 * 2 ** attempt),
  });
  await fetchTypesOnce(client);
  const db = drizzle({
    client: resilientClient(client),
    schema,
    casing: 'snake_case',
    logger: statementLogger(onStatement),
  }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async listen(channel, onMessage, onListen) {
      // postgres.js re-LISTENs on a new connection after a drop and calls onListen again.
      const sub = await client.listen(channel, onMessage, onListen);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * postgres.js reads the server's array types on every new connection, from a promise nobody awaits
 * (connection.js: ReadyForQuery returns `fetchArrayTypes()` to a caller that drops it). A connection
 * terminated during that read (`pg_terminate_backend`, a failover) made its FATAL 57P01 escape as an
 * unhandled rejection. The types are read once here, on the first connection; the parsers that
 * registers are shared by all the client's connections, so later ones skip the read.
 */
async function fetchTypesOnce(client: import('postgres').Sql): Promise<void> {
  await withConnectionRetry(
    () => client`select 1`.then(() => undefined),
    () => true,
  );
  (client.options as { fetch_types: boolean }).fetch_types = false;
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? process.env.PGLITE_DIR ?? path.join(process.cwd(), '.data/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    // A dump to start from loads into memory, unless a data directory is named too (a restore).
    dataDir: options.loadDataDir && !options.dataDir ? undefined : dataDir,
    loadDataDir: options.loadDataDir,
  });
  const db = drizzle({
    client,
    schema,
    casing: 'snake_case',
    logger: statementLogger(options.onStatement),
  }) as unknown as Db;
  // PGlite lives inside this one process, so an in-process emitter is exactly as wide as NOTIFY would be.
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    db,
    driver: 'pglite',
    async notify(channel, payload) {
      bus.emit(channel, payload);
    },
    async listen(channel, onMessage, onListen) {
      bus.on(channel, onMessage);
      onListen?.();
      return async () => {
        bus.off(channel, onMessage);
      };
    },
    close: () => client.close(),
    dumpDataDir: () => client.dumpDataDir('gzip'),
  };
}

/** Applies pending migrations; returns how many are recorded. Serialized across instances by an advisory lock. */
export async function migrateDatabase(database: Database): Promise<number> {
  const { db, driver } = database;
  if (driver === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    await db.execute(sql`select pg_advisory_lock(727001)`);
    try {
      await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(727001)`);
    }
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
  return countMigrations(db);
}

export async function countMigrations(db: DbOrTx): Promise<number> {
  const result = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return Number(result[0]?.n ?? 0);
}

/**
 * `db.execute()` returns `{ rows }` on PGlite and a plain array on postgres.js; this hides the
 * difference. Cast counts with `::int` in SQL (postgres.js returns bigint as a string).
 */
export async function queryRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

type PreparingDb = {
  session: {
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string,
      arrayMode: false,
    ): { execute(): Promise<unknown> };
  };
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
};

/**
 * Like `queryRows`, but as a named prepared statement: postgres.js parses and plans it once per
 * connection and then only binds and executes (drizzle sends `db.execute()` unprepared). For the hot
 * paths (the join, the chain, my orders, check-off, the pick list). PGlite runs it as usual.
 */
export async function preparedRows<T extends Record<string, unknown>>(
  db: DbOrTx,
  name: string,
  query: SQL,
): Promise<T[]> {
  const { session, dialect } = db as unknown as PreparingDb;
  const result: unknown = await session
    .prepareQuery(dialect.sqlToQuery(query), undefined, name, false)
    .execute();
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

type Holder = { linliDatabase?: Promise<Database> };
const holder = globalThis as unknown as Holder;

/**
 * The process-wide database, opened and migrated once (cached on globalThis so Next's dev
 * reloads do not open a second PGlite on the same data directory).
 */
export function getDatabase(): Promise<Database> {
  holder.linliDatabase ??= (async () => {
    const database = await openDatabase({ url: process.env.DATABASE_URL || undefined });
    await migrateDatabase(database);
    return database;
  })();
  return holder.linliDatabase;
}

/** For tests and scripts that manage their own database. */
export function setDatabase(database: Database | undefined): void {
  holder.linliDatabase = database ? Promise.resolve(database) : undefined;
}

export { schema };
