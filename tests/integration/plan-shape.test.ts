/**
 * Plans at 10× the demo (issue 12 point 5): a relay of 15,000 paid orders (45,000 lines) on the
 * truck and at the gate, then the pick list and the coordinators' board as the services run them.
 * The pick list's own ANALYZE (analyzeIfStale, after bulk writes) must have run, and every statement
 * of both over the order tables is EXPLAINed (FORMAT JSON) with its parameters: no nested loop or
 * correlated subplan that re-aggregates order lines per order, and the planner's row estimates for
 * orders are the relay's size, not the one row it assumes without statistics. Runs on both drivers.
 * The 15,000 orders are written set-based (generate_series), not through the join one by one.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { queryRows, type Database, type Db } from '@/db/client';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeDistributionScene, type DistributionScene } from '@/tests/helpers/distribution-fixtures';

const ORDERS = 15_000;
const T0 = new Date();
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let clock = T0;

type Captured = { query: string; params: unknown[] };
type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Parent Relationship'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
};

/** The same database with every statement and its parameters recorded. */
async function capturing(database: Database, log: Captured[]): Promise<Database> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  const logger = { logQuery: (query: string, params: unknown[]) => void log.push({ query, params }) };
  let db: Db;
  if (database.driver === 'pglite') {
    const { drizzle } = await import('drizzle-orm/pglite');
    db = drizzle({ client: client as never, schema, casing: 'snake_case', logger });
  } else {
    const { drizzle } = await import('drizzle-orm/postgres-js');
    db = drizzle({ client: client as never, schema, casing: 'snake_case', logger });
  }
  return { ...database, db };
}

async function explain(database: Database, c: Captured): Promise<PlanNode> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  const text = `explain (format json) ${c.query}`;
  const rows =
    database.driver === 'pglite'
      ? (
          await (client as { query(q: string, p: unknown[]): Promise<{ rows: unknown[] }> }).query(
            text,
            c.params,
          )
        ).rows
      : await (client as { unsafe(q: string, p: unknown[]): Promise<unknown[]> }).unsafe(text, c.params);
  const cell = Object.values(rows[0] as Record<string, unknown>)[0];
  const json = (typeof cell === 'string' ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
  return json[0]!.Plan;
}

function* nodes(n: PlanNode): Generator<PlanNode> {
  yield n;
  for (const c of n.Plans ?? []) yield* nodes(c);
}
const aggregatesLines = (n: PlanNode) =>
  [...nodes(n)].some((x) => x['Node Type'] === 'Aggregate') &&
  [...nodes(n)].some((x) => x['Relation Name'] === 'order_lines');

/** What re-aggregates lines per order: an aggregate over order_lines run once per outer row. */
function perOrderReaggregation(plan: PlanNode): string[] {
  const found: string[] = [];
  for (const n of nodes(plan)) {
    const inner = n.Plans?.[1];
    if (n['Node Type'] === 'Nested Loop' && inner && aggregatesLines(inner)) found.push('nested loop');
    for (const c of n.Plans ?? [])
      if (c['Parent Relationship'] === 'SubPlan' && aggregatesLines(c)) found.push('correlated subplan');
  }
  return found;
}

describe('plan shape at 15,000 orders', () => {
  let base: Database;
  let s: DistributionScene;
  const log: Captured[] = [];
  let database: Database;
  const as = (u: SessionUser | null) => callerFor(database, u, () => clock);

  beforeAll(async () => {
    base = await createTestDatabase();
    s = await makeDistributionScene(base.db);
    database = await capturing(base, log);
    const db = base.db;
    const c = s.community.id;
    const stairwells = s.community.stairwells.map((x) => x.id);
    // 15,000 more households over the compound's stairwells, one paid 3-line order each.
    await db.execute(sql`
      insert into households (community_id, stairwell_id, floor, room)
      select ${c}::uuid, (${sql.raw(`array[${stairwells.map((id) => `'${id}'::uuid`).join(',')}]`)})[1 + g % ${stairwells.length}],
             1 + g % 30, 'P' || g
      from generate_series(1, ${ORDERS}) g`);
    await db.execute(sql`
      insert into orders (community_id, relay_id, seq, household_id, placed_by, on_behalf, status, total_fen, idempotency_key, paid_at)
      select h.community_id, ${s.relay.id}::uuid,
             (select coalesce(max(seq), 0) from orders where community_id = ${c}::uuid and relay_id = ${s.relay.id}::uuid)
               + row_number() over (order by md5(h.id::text)),
             h.id, ${s.admin.id}::uuid, true, 'paid', 0, 'plan-' || h.id, now()
      from households h where h.community_id = ${c}::uuid and h.room like 'P%'`);
    await db.execute(sql`
      insert into order_lines (community_id, order_id, relay_item_id, qty, unit_price_fen)
      select o.community_id, o.id, ri.id, 1 + (o.seq + ri.position) % 3, ri.unit_price_fen
      from orders o join relay_items ri on ri.community_id = o.community_id and ri.relay_id = o.relay_id
      where o.community_id = ${c}::uuid and o.relay_id = ${s.relay.id}::uuid and o.idempotency_key like 'plan-%'`);
    await db.execute(sql`
      update orders o set total_fen = t.total from (
        select order_id, sum(qty * unit_price_fen)::int as total from order_lines
        where community_id = ${c}::uuid group by order_id) t
      where o.community_id = ${c}::uuid and o.id = t.order_id and o.idempotency_key like 'plan-%'`);
    // On the truck and at the gate through the services: the arrival writes one bag per order.
    clock = T0;
    const { deliveryId } = await as(s.merchant.staff).distribution.dispatch({
      merchantId: s.merchant.id,
      communityId: c,
      relayIds: [s.relay.id],
      eta: at(60),
      vehiclePlate: '',
      driverName: '',
      driverPhone: '',
    });
    clock = at(50);
    await as(s.volunteer).distribution.recordArrival({ communityId: c, deliveryId, packageCount: ORDERS });
  }, 600_000);
  afterAll(async () => {
    await base?.close();
  });

  it('runs the pick list’s ANALYZE, then plans the pick list and the board without re-aggregating per order', async () => {
    const c = s.community.id;
    log.length = 0;
    const pl = await as(s.merchant.owner).picklist.relay({ relayId: s.relay.id });
    expect(pl.bags.length).toBeGreaterThanOrEqual(ORDERS);
    const pickStatements = [...log];
    // The statistics the plans below rest on were gathered by the pick list itself.
    const stats = await queryRows<{ relname: string; analyzed: boolean }>(
      base.db,
      sql`select relname, (last_analyze is not null or last_autoanalyze is not null) as analyzed
            from pg_stat_user_tables where relname in ('orders', 'order_lines', 'bags')`,
    );
    expect(
      stats
        .filter((x) => x.analyzed)
        .map((x) => x.relname)
        .sort(),
    ).toEqual(['bags', 'order_lines', 'orders']);

    log.length = 0;
    await as(s.admin).distribution.board({ communityId: c });
    const boardStatements = [...log];

    const orderTables = /\b(order_lines|orders|bags)\b/;
    const checked: { what: string; query: string }[] = [];
    let ordersEstimate = 0;
    for (const [what, list] of [
      ['pick list', pickStatements],
      ['board', boardStatements],
    ] as const) {
      for (const st of list) {
        if (!/^\s*(with|select)\b/i.test(st.query) || !orderTables.test(st.query)) continue;
        const plan = await explain(database, st);
        expect(perOrderReaggregation(plan), `${what}: ${st.query.slice(0, 300)}`).toEqual([]);
        for (const n of nodes(plan))
          if (n['Relation Name'] === 'orders') ordersEstimate = Math.max(ordersEstimate, n['Plan Rows'] ?? 0);
        checked.push({ what, query: st.query });
      }
    }
    // Both services' aggregate queries were looked at, and the planner knows the relay's size.
    expect(checked.filter((x) => x.what === 'pick list').length).toBeGreaterThanOrEqual(2);
    expect(checked.filter((x) => x.what === 'board').length).toBeGreaterThanOrEqual(1);
    expect(ordersEstimate).toBeGreaterThan(ORDERS / 2);
  }, 300_000);
});
