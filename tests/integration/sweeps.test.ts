/**
 * Sweeps that scale (issue 12 item 6). The timed jobs find due work across all compounds through
 * partial indexes on (status, due column), and two app instances sweeping at the same moment
 * never process the same relay or order twice.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { auditLog, orders, relays } from '@/db/schema';
import { expireUnpaidOrders } from '@/server/services/relay/expire-orders';
import { joinRelay } from '@/server/services/relay/join-relay';
import { openDueRelays } from '@/server/services/relay/run-relay-schedule';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

let database: Database;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeRelayWorld(database, { householdsPerStairwell: 3 });
});
afterAll(async () => {
  await database?.close();
});

/** Every index name in a JSON plan. */
function indexesIn(node: Record<string, unknown>): string[] {
  const own = typeof node['Index Name'] === 'string' ? [node['Index Name']] : [];
  const kids = (node.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [...own, ...kids.flatMap(indexesIn)];
}

async function planIndexes(query: string): Promise<string[]> {
  return database.db.transaction(async (tx) => {
    // The test tables are tiny, where a sequential scan is cheapest whatever the indexes; with it
    // priced out, the plan shows whether the sweep's predicate can use its partial index at all.
    await tx.execute(sql`set local enable_seqscan = off`);
    const rows = await queryRows<{ 'QUERY PLAN': unknown }>(tx, sql.raw(`explain (format json) ${query}`));
    const raw = rows[0]!['QUERY PLAN'];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, unknown> }[];
    return indexesIn(plan[0]!.Plan);
  });
}

describe('each sweep finds due work through its partial index', () => {
  const t = `'2026-12-04T10:00:00Z'::timestamptz`;
  const sweeps: [string, string][] = [
    [
      'relays_due_to_open',
      `select community_id, id from relays where status = 'draft' and opens_at <= ${t} order by opens_at limit 20 for update skip locked`,
    ],
    [
      'relays_due_to_close',
      `select r.community_id, r.id from relays r where r.status = 'open' and r.closes_at <= ${t} limit 20 for update of r skip locked`,
    ],
    [
      'relays_due_to_settle',
      `select community_id, id from relays where status = 'closed' and (close_undo_until is null or close_undo_until <= ${t}) order by closed_at nulls first limit 20`,
    ],
    [
      'orders_due_to_expire',
      `select community_id, id from orders where status = 'pending_payment' and hold_until <= ${t} order by hold_until limit 100 for update skip locked`,
    ],
    [
      'refunds_status_updated_at_index',
      `select community_id, id from refunds where status = 'pending' and updated_at <= ${t} and attempts < 8 order by updated_at limit 50 for update skip locked`,
    ],
    [
      'admissions_due_to_expire',
      `select a.community_id, a.id from admissions a join merchants m on m.id = a.merchant_id where a.status = 'approved' and (m.food_permit_expires_on < '2026-12-04' or m.vehicle_pass_expires_on < '2026-12-04') limit 50 for update of a skip locked`,
    ],
    [
      'needs_claims_due',
      `select community_id, id from needs where status = 'claimed' and claimed_at < ${t} limit 200 for update skip locked`,
    ],
  ];
  for (const [index, query] of sweeps) {
    it(`${index}`, async () => {
      expect(await planIndexes(query)).toContain(index);
    });
  }
});

describe.skipIf(testDriver() !== 'postgres')('two instances sweeping at once', () => {
  it('open each due relay exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await openTestRelay(w, { draft: true, title: `第${i}期` }));
    const at = new Date(w.clock.now.getTime() + 15 * 60_000);
    // Two instances, each on its own connection, several rounds each (as their loops would run).
    const sweeper = async () => {
      let n = 0;
      for (let round = 0; round < 3; round++) n += await openDueRelays(database, at);
      return n;
    };
    const [a, b] = await Promise.all([sweeper(), sweeper()]);
    expect(a + b).toBe(12);
    const opened = await database.db
      .select({ id: auditLog.entityId, n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'relay.opened'), inArray(auditLog.entityId, ids)))
      .groupBy(auditLog.entityId);
    expect(opened).toHaveLength(12);
    expect(opened.every((r) => r.n === 1)).toBe(true);
    const rows = await database.db
      .select({ status: relays.status })
      .from(relays)
      .where(inArray(relays.id, ids));
    expect(rows.every((r) => r.status === 'open')).toBe(true);
  });

  it('expire each unpaid hold exactly once, its stock back once', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice', stockCap: 100 }] });
    const [item] = await queryRows<{ id: string }>(
      database.db,
      sql`select id from relay_items where relay_id = ${relayId}::uuid`,
    );
    const hh = w.community.households;
    for (const h of hh) {
      await joinRelay({
        ctx: w.ctx(w.residents.get(h.id)!),
        input: {
          communityId: w.community.id,
          relayId,
          householdId: h.id,
          lines: [{ relayItemId: item!.id, qty: 2 }],
          idempotencyKey: newKey(),
        },
      });
    }
    const later = new Date(w.clock.now.getTime() + 55 * 60_000);
    const sweeper = async () => {
      let n = 0;
      for (let round = 0; round < 3; round++) n += await expireUnpaidOrders(database, later, { limit: 5 });
      return n;
    };
    const [a, b] = await Promise.all([sweeper(), sweeper()]);
    expect(a + b).toBe(hh.length);
    const left = await database.db
      .select({ status: orders.status })
      .from(orders)
      .where(and(eq(orders.communityId, w.community.id), eq(orders.relayId, relayId)));
    expect(left.map((o) => o.status)).toEqual(hh.map(() => 'expired'));
    const [stock] = await queryRows<{ sold: number }>(
      database.db,
      sql`select sold::int as sold from relay_items where id = ${item!.id}::uuid`,
    );
    expect(stock!.sold).toBe(0);
  });
});
