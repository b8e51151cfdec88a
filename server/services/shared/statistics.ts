import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';

/**
 * Planner statistics after bulk writes (issue 12). Autovacuum may be off on a server (it is on these
 * machines), and even when it is on it runs minutes later: a pick list built right after the demo
 * seed planned for one row and took 3.5 s for 1,460 orders instead of 55 ms. So the writers that
 * change many rows at once (the seed, a roster import, a relay close or settle, a large pick list's
 * relay) ANALYZE what they touched, after they commit.
 */
export const ANALYZABLE = [
  'audit_log',
  'bags',
  'buildings',
  'care_profiles',
  'household_item_totals',
  'households',
  'memberships',
  'notifications',
  'order_lines',
  'orders',
  'payments',
  'refunds',
  'relay_items',
  'relays',
  'stairwell_assignments',
  'stairwells',
  'users',
] as const;
export type AnalyzableTable = (typeof ANALYZABLE)[number];

/** The tables a relay's orders live in: what a close, a settle and a pick list read. */
export const RELAY_ORDER_TABLES: readonly AnalyzableTable[] = [
  'orders',
  'order_lines',
  'relay_items',
  'household_item_totals',
];
/** What a roster import writes. */
export const ROSTER_TABLES: readonly AnalyzableTable[] = [
  'users',
  'memberships',
  'households',
  'stairwells',
  'buildings',
  'care_profiles',
  'stairwell_assignments',
];

const lastRun = new Map<string, number>();
/** One ANALYZE of a table per process per this many ms is plenty (it samples 30,000 rows). */
const MIN_INTERVAL_MS = 10_000;

/** ANALYZE these tables now (outside any transaction). Never throws: statistics are best effort. */
export async function analyzeTables(db: DbOrTx, tables: readonly AnalyzableTable[]): Promise<string[]> {
  const now = Date.now();
  const due = [...new Set(tables)].filter(
    (t) => ANALYZABLE.includes(t) && now - (lastRun.get(t) ?? -Infinity) >= MIN_INTERVAL_MS,
  );
  if (due.length === 0) return [];
  for (const t of due) lastRun.set(t, now);
  try {
    // Names come from the fixed list above, never from input.
    await db.execute(sql.raw(`analyze ${due.join(', ')}`));
    return due;
  } catch (e) {
    for (const t of due) lastRun.delete(t);
    console.error('[db] analyze failed', e);
    return [];
  }
}

/**
 * ANALYZE those of `tables` whose rows changed a lot since their last ANALYZE (more than
 * `minChanged` rows and more than a tenth of the table), or that were never analyzed. One catalog
 * read when nothing is stale.
 */
export async function analyzeIfStale(
  db: DbOrTx,
  tables: readonly AnalyzableTable[],
  minChanged = 500,
): Promise<string[]> {
  try {
    const rows = await queryRows<{ relname: string }>(
      db,
      sql`select relname from pg_stat_user_tables
           where schemaname = 'public' and relname in (${sql.join(
             tables.map((t) => sql`${t}`),
             sql`, `,
           )})
             and (n_mod_since_analyze > greatest(${minChanged}::bigint, n_live_tup / 10)
                  or (last_analyze is null and last_autoanalyze is null and n_mod_since_analyze > ${minChanged}::bigint))`,
    );
    return await analyzeTables(
      db,
      rows.map((r) => r.relname as AnalyzableTable),
    );
  } catch (e) {
    console.error('[db] statistics check failed', e);
    return [];
  }
}
