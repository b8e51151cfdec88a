/**
 * A PostgreSQL `Database` for the bench process that records a timeline: every statement drizzle
 * sends (its logger runs as the statement is sent), BEGIN, the end of COMMIT and NOTIFY. Run one
 * service call at a time and the gap from one mark to the next is what that step cost (the
 * statement's round trip plus the JavaScript before the next one).
 */
import { performance } from 'node:perf_hooks';
import * as schema from '@/db/schema';
import type { Database, Db } from '@/db/client';

export type Mark = { at: number; label: string };

/** `update "relay_items" set …` → `update relay_items`; keeps timelines readable and comparable. */
export function statementLabel(q: string): string {
  const s = q.replace(/\s+/g, ' ').replace(/"/g, '').trim();
  const m =
    /^(select) .*? from ([a-z_]+)/i.exec(s) ??
    /^(insert into) ([a-z_]+)/i.exec(s) ??
    /^(update) ([a-z_]+)/i.exec(s) ??
    /^(delete from) ([a-z_]+)/i.exec(s) ??
    /^(select) (pg_[a-z_]+|[a-z_]+\()/i.exec(s);
  return m ? `${m[1]!.toLowerCase()} ${m[2]}` : s.slice(0, 40);
}

export async function openTracedPostgres(
  url: string,
  max = 10,
): Promise<{ database: Database; marks: Mark[] }> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const marks: Mark[] = [];
  const mark = (label: string) => marks.push({ at: performance.now(), label });
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'linli-bench-traced' },
  });
  const begin = client.begin.bind(client) as (fn: (sql: unknown) => Promise<unknown>) => Promise<unknown>;
  (client as unknown as { begin: typeof begin }).begin = (fn) => {
    mark('BEGIN');
    const p = begin(fn);
    return p.then(
      (v) => (mark('COMMIT (done)'), v),
      (e: unknown) => {
        mark('ROLLBACK (done)');
        throw e;
      },
    );
  };
  const db = drizzle({
    client,
    schema,
    casing: 'snake_case',
    logger: { logQuery: (q) => mark(statementLabel(q)) },
  }) as unknown as Db;
  const database: Database = {
    db,
    driver: 'postgres',
    async notify(channel, payload) {
      mark('NOTIFY');
      await client.notify(channel, payload);
    },
    async listen(channel, onMessage) {
      const sub = await client.listen(channel, onMessage);
      return () => sub.unlisten();
    },
    close: () => client.end({ timeout: 5 }),
  };
  return { database, marks };
}
