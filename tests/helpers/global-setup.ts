/**
 * Integration tests run on a real database: embedded PGlite by default, the PostgreSQL server at
 * DATABASE_URL when it is set. The schema is migrated once here; every test file then starts from
 * a copy (a PGlite data-dir dump, or `CREATE DATABASE … TEMPLATE` on PostgreSQL).
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase, queryRows } from '@/db/client';
import { sql } from 'drizzle-orm';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb:
      { driver: 'pglite'; dumpPath: string } | { driver: 'postgres'; adminUrl: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ dataDir: 'memory://' });
    const migrations = await migrateDatabase(database);
    const client = (
      database.db as unknown as {
        $client: {
          dumpDataDir(c: 'none'): Promise<Blob | File>;
          query(q: string): Promise<{ rows: { v: string }[] }>;
        };
      }
    ).$client;
    const version = (await client.query("select current_setting('server_version') as v")).rows[0]?.v;
    const dump = await client.dumpDataDir('none');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-test-'));
    const dumpPath = path.join(dir, 'migrated.tar');
    writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    console.log(
      `\n[linli] integration tests on embedded PGlite (PostgreSQL ${version ?? '?'}), ${migrations} migrations\n`,
    );
    project.provide('testDb', { driver: 'pglite', dumpPath });
    return () => rmSync(dir, { recursive: true, force: true });
  }

  const template = `linli_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = await openDatabase({ url, max: 1 });
  await admin.db.execute(sql.raw(`create database ${template}`));
  const version = (
    await queryRows<{ v: string }>(admin.db, sql`select current_setting('server_version') as v`)
  )[0]?.v;
  const tplDb = await openDatabase({ url: withDatabase(url, template), max: 1 });
  const migrations = await migrateDatabase(tplDb);
  await tplDb.close();
  const safeUrl = url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@');
  console.log(
    `\n[linli] integration tests on PostgreSQL ${version ?? '?'} at ${safeUrl}, ${migrations} migrations\n`,
  );
  project.provide('testDb', { driver: 'postgres', adminUrl: url, template });
  return async () => {
    // Drop the template and every per-file copy this run made.
    const leftovers = await queryRows<{ datname: string }>(
      admin.db,
      sql`select datname from pg_database where datname like ${template.replace('tpl', 't') + '%'} or datname = ${template}`,
    );
    for (const { datname } of leftovers) {
      await admin.db.execute(sql.raw(`drop database if exists ${datname} with (force)`));
    }
    await admin.close();
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
