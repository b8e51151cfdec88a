/**
 * Changing an order upward (issue 13 item 11): while the relay is open an unpaid order may grow,
 * keeping its 接龙号, under the join's stock guard and household limit. On PGlite and on PostgreSQL
 * (DATABASE_URL), where the concurrent increases and joins really race.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { householdItemTotals, orders, payments, relayItems } from '@/db/schema';
import { choosePaymentMethod } from '@/server/services/payment/choose-payment-method';
import { changeOrder } from '@/server/services/relay/change-order';
import { joinRelay } from '@/server/services/relay/join-relay';
import { listMyOrders } from '@/server/services/relay/list-my-orders';
import { isServiceError } from '@/server/services/shared/errors';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let stripe: TestStripe;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  stripe = await startTestStripe();
  w = await makeRelayWorld(database, { buildings: 2, stairwellsPerBuilding: 2, householdsPerStairwell: 10 });
}, 120_000);

afterAll(async () => {
  await stripe?.close();
  await database?.close();
});

async function itemOf(relayId: string) {
  const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  return item!;
}

function join(hIndex: number, relayId: string, relayItemId: string, qty: number) {
  const h = w.community.households[hIndex]!;
  return joinRelay({
    ctx: w.ctx(w.residents.get(h.id)!),
    input: {
      communityId: w.community.id,
      relayId,
      householdId: h.id,
      lines: [{ relayItemId, qty }],
      idempotencyKey: newKey(),
    },
  });
}

function grow(hIndex: number, orderId: string, relayItemId: string, qty: number) {
  const h = w.community.households[hIndex]!;
  return changeOrder({
    ctx: w.ctx(w.residents.get(h.id)!),
    input: { communityId: w.community.id, orderId, lines: [{ relayItemId, qty }] },
  });
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isServiceError(e)) return e.code;
    throw e;
  }
}

async function unitsInOrders(relayId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`select coalesce(sum(ol.qty), 0)::int as n from order_lines ol join orders o on o.id = ol.order_id
         where o.relay_id = ${relayId}::uuid and o.status in ('pending_payment', 'paid')`,
  );
  return Number(row!.n);
}

describe('growing an unpaid order', () => {
  it('keeps its 接龙号, changes the amount due and the next intent is for the new amount', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs', stockCap: 10 }] });
    const item = await itemOf(relayId);
    const first = await join(0, relayId, item.id, 1);
    const j = await join(1, relayId, item.id, 1);
    const ctx = w.ctx(w.residents.get(w.community.households[1]!.id)!);
    await choosePaymentMethod({
      ctx,
      input: { communityId: w.community.id, orderId: j.order.orderId, method: 'card' },
    });
    const grown = await grow(1, j.order.orderId, item.id, 3);
    expect(grown.totalFen).toBe(3 * 4500);
    const [o] = await database.db.select().from(orders).where(eq(orders.id, j.order.orderId));
    expect(o).toMatchObject({ seq: 2, totalFen: 3 * 4500, status: 'pending_payment' });
    expect(first.order.seq).toBe(1);
    expect((await itemOf(relayId)).sold).toBe(4);
    // My orders offer at most what is left: 3 + (10 − 4).
    const mine = await listMyOrders({ ctx, input: { communityId: w.community.id, relayId } });
    expect(mine.find((m) => m.orderId === j.order.orderId)!.lines[0]!.maxQty).toBe(9);
    // The intent for ¥45 cannot be paid any more; choosing again makes one for ¥135.
    await choosePaymentMethod({
      ctx,
      input: { communityId: w.community.id, orderId: j.order.orderId, method: 'card' },
    });
    const pays = await database.db.select().from(payments).where(eq(payments.orderId, j.order.orderId));
    expect(pays.map((p) => [p.status, p.amountFen]).sort()).toEqual([
      ['canceled', 4500],
      ['requires_payment_method', 3 * 4500],
    ]);
    // Beyond the stock: refused with what is left, and nothing moved.
    expect(await outcome(grow(1, j.order.orderId, item.id, 10))).toBe('RELAY_SOLD_OUT');
    expect((await itemOf(relayId)).sold).toBe(4);
  });

  it('respects the household limit across the household’s orders, also when two grow at once', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'rice', stockCap: 50, perHouseholdLimit: 3 }],
    });
    const item = await itemOf(relayId);
    const a = await join(2, relayId, item.id, 1);
    const b = await join(2, relayId, item.id, 1);
    expect(await outcome(grow(2, a.order.orderId, item.id, 4))).toBe('RELAY_HOUSEHOLD_LIMIT');
    const results = await Promise.all([
      outcome(grow(2, a.order.orderId, item.id, 2)),
      outcome(grow(2, b.order.orderId, item.id, 2)),
    ]);
    expect(results.sort()).toEqual(['RELAY_HOUSEHOLD_LIMIT', 'ok']);
    const [total] = await database.db
      .select()
      .from(householdItemTotals)
      .where(
        and(
          eq(householdItemTotals.relayItemId, item.id),
          eq(householdItemTotals.householdId, w.community.households[2]!.id),
        ),
      );
    expect(total!.qty).toBe(3);
    expect((await itemOf(relayId)).sold).toBe(3);
    expect(await unitsInOrders(relayId)).toBe(3);
  });
});

describe('concurrent increases and joins for the last units', () => {
  it('never sell more than the cap: sold equals the units in live orders', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'veg', stockCap: 25 }] });
    const item = await itemOf(relayId);
    const joined = [];
    for (let i = 0; i < 20; i++) joined.push(await join(i, relayId, item.id, 1));
    // 20 orders each want 2 more, 10 more households want 1: 50 units wanted for 5 left.
    const results = await Promise.all([
      ...joined.map((j, i) => outcome(grow(i, j.order.orderId, item.id, 3))),
      ...Array.from({ length: 10 }, (_, k) => outcome(join(20 + (k % 20), relayId, item.id, 1))),
    ]);
    expect(new Set(results.filter((r) => r !== 'ok'))).toEqual(new Set(['RELAY_SOLD_OUT']));
    const sold = (await itemOf(relayId)).sold;
    expect(sold).toBeLessThanOrEqual(25);
    expect(sold).toBeGreaterThanOrEqual(24); // at most one unit can be left (2 wanted, 1 left)
    expect(await unitsInOrders(relayId)).toBe(sold);
    const seqs = await database.db
      .select({ seq: orders.seq })
      .from(orders)
      .where(eq(orders.relayId, relayId));
    expect(new Set(seqs.map((s) => s.seq)).size).toBe(seqs.length);
  });
});
