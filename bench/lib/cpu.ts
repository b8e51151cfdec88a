/**
 * CPU time from /proc (issue 12: the bench measures cost, not only speed). The app server is a
 * process group (tsx's start.ts and what it runs); PostgreSQL backends are found by their
 * application_name in pg_stat_activity and read from /proc by pid (same machine).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';

/** Kernel clock ticks per second (USER_HZ; 100 on Linux everywhere that matters). */
const TICK_MS = 10;

type Stat = { pid: number; pgrp: number; ticks: number };

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp …`: comm may contain spaces, so split after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** CPU ms used so far by every live process of a process group. */
export function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s && s.pgrp === pgid) ticks += s.ticks;
  }
  return ticks * TICK_MS;
}

/** CPU ms so far of each given pid (missing: exited). */
export function pidsCpuMs(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) out.set(pid, s.ticks * TICK_MS);
  }
  return out;
}

/** Backend pids of the app's connections (db/client.ts names them `linli`). */
export async function backendPids(db: DbOrTx, applicationName = 'linli'): Promise<number[]> {
  const rows = await queryRows<{ pid: number }>(
    db,
    sql`select pid from pg_stat_activity where application_name = ${applicationName} and datname = current_database()`,
  );
  return rows.map((r) => Number(r.pid));
}

/**
 * Measures the CPU of the app process group plus (PostgreSQL) its backends over a stretch of work.
 * Backends that appear during the work count from zero; ones that exit are lost (the pool keeps
 * its connections during a burst, so none should).
 */
export async function measureCpu<T>(
  pgid: number | undefined,
  db: DbOrTx | null,
  work: () => Promise<T>,
): Promise<{ result: T; appMs: number; dbMs: number }> {
  const app0 = pgid ? groupCpuMs(pgid) : 0;
  const db0 = db ? pidsCpuMs(await backendPids(db)) : new Map<number, number>();
  const result = await work();
  const app1 = pgid ? groupCpuMs(pgid) : 0;
  let dbMs = 0;
  if (db) {
    for (const [pid, ms] of pidsCpuMs(await backendPids(db))) dbMs += ms - (db0.get(pid) ?? 0);
  }
  return { result, appMs: app1 - app0, dbMs };
}
