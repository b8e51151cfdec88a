/**
 * The database's share of a join (issue 12): PostgreSQL backend CPU per accepted join, per refused
 * join (sold out) and per bare SQL transaction of the baseline, each from /proc over a run of joins
 * one at a time on one connection, beside this process's CPU per join (validation, drizzle,
 * postgres.js: the service without HTTP). Tick granularity is 10 ms, so runs are a few hundred joins.
 * Figures and what they say: docs/PERFORMANCE.md §10 (raw lines in docs/bench-runs).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '@/db/client';
import { joinRelay } from '@/server/services/relay/join-relay';
import { isServiceError } from '@/server/services/shared/errors';
import { openBaseline, runBaselineBurst } from './baseline';
import { pidsCpuMs } from './cpu';
import { newJoinKey } from './join';
import { round } from './stats';
import { openBenchRelay, type Household, type RelayRef, type World } from './world';

export type DbCost = {
  joins: number;
  acceptedDbMs: number;
  acceptedNodeMs: number;
  acceptedWallMs: number;
  refusedDbMs: number;
  refusedNodeMs: number;
  baselineDbMs: number;
  baselineWallMs: number;
};

async function backendsOf(db: Database['db'], app: string): Promise<number[]> {
  const rows = await queryRows<{ pid: number }>(
    db,
    sql`select pid from pg_stat_activity where application_name = ${app} and datname = current_database()`,
  );
  return rows.map((r) => Number(r.pid));
}

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function joinsOneByOne(svc: Database, w: World, r: RelayRef, who: readonly Household[]) {
  const pids = await backendsOf(svc.db, 'linli');
  const db0 = sum(pidsCpuMs(pids));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let accepted = 0;
  let refused = 0;
  for (const h of who) {
    try {
      await joinRelay({
        ctx: {
          database: svc,
          db: svc.db,
          user: { id: h.userId, phone: h.phone, name: 'bench' },
          now: () => new Date(),
        },
        input: {
          communityId: w.communityId,
          relayId: r.relayId,
          householdId: h.householdId,
          lines: [
            { relayItemId: r.cappedItemId, qty: 1 },
            { relayItemId: r.openItemId, qty: 1 },
          ],
          idempotencyKey: newJoinKey(),
        },
      });
      accepted++;
    } catch (e) {
      if (!isServiceError(e)) throw e;
      refused++;
    }
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const dbMs = sum(pidsCpuMs(pids)) - db0;
  return { accepted, refused, dbMs, nodeMs: (cpu.user + cpu.system) / 1000, wall };
}

/** Needs a migrated, seeded PostgreSQL database at `url` and its world; opens its own relays. */
export async function measureDbCost(url: string, database: Database, w: World, n = 300): Promise<DbCost> {
  const who = w.households.slice(0, n);
  const big = await openBenchRelay(database, w, {
    title: '成本 · 接受',
    cap: 1_000_000,
    perHouseholdLimit: 1000,
  });
  const soldOut = await openBenchRelay(database, w, { title: '成本 · 售罄', cap: 1, perHouseholdLimit: 1 });
  const baseRelay = await openBenchRelay(database, w, {
    title: '成本 · 基线',
    cap: 1_000_000,
    perHouseholdLimit: 1000,
  });
  const svc = await openDatabase({ url, max: 1 });
  try {
    // Warm-up: plans, the prepared statement, the function's cached plans, JIT.
    await joinsOneByOne(svc, w, big, w.households.slice(n, n + 20));
    await joinsOneByOne(svc, w, soldOut, w.households.slice(n, n + 2));
    const acc = await joinsOneByOne(svc, w, big, who);
    const ref = await joinsOneByOne(svc, w, soldOut, who);
    if (acc.accepted !== who.length || ref.refused !== who.length)
      throw new Error(
        `db cost: expected ${who.length} accepted and refused, got ${acc.accepted}/${ref.refused}`,
      );
    const base = await openBaseline('postgres', { url }, 1);
    try {
      await runBaselineBurst(base, w.communityId, baseRelay, w.households.slice(n, n + 20), 1, 1000);
      const pids = await backendsOf(svc.db, 'linli-bench-baseline');
      const db0 = sum(pidsCpuMs(pids));
      const t0 = performance.now();
      await runBaselineBurst(base, w.communityId, baseRelay, who, 1, 1000);
      const wall = performance.now() - t0;
      const dbMs = sum(pidsCpuMs(pids)) - db0;
      return {
        joins: who.length,
        acceptedDbMs: round(acc.dbMs / who.length, 2),
        acceptedNodeMs: round(acc.nodeMs / who.length, 2),
        acceptedWallMs: round(acc.wall / who.length, 2),
        refusedDbMs: round(ref.dbMs / who.length, 2),
        refusedNodeMs: round(ref.nodeMs / who.length, 2),
        baselineDbMs: round(dbMs / who.length, 2),
        baselineWallMs: round(wall / who.length, 2),
      };
    } finally {
      await base.close();
    }
  } finally {
    await svc.close();
  }
}
