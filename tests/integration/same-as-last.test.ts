/**
 * 跟上次一样 (issue 13 item 11): relay.lastOrder gives the household's last bought order of this
 * relay's merchant, its lines matched by product to this relay's items (null when not offered);
 * only the caller's own households; an unpaid or cancelled order is not "last time". Both drivers.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { orders, relayItems } from '@/db/schema';
import { joinRelay } from '@/server/services/relay/join-relay';
import { lastOrderHere } from '@/server/services/relay/last-order';
import { isServiceError } from '@/server/services/shared/errors';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

let database: Database;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeRelayWorld(database);
}, 120_000);

afterAll(async () => {
  await database?.close();
});

async function itemsOf(relayId: string) {
  const rows = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  return Object.fromEntries(rows.map((r) => [r.productId, r.id]));
}

async function order(hIndex: number, relayId: string, lines: { relayItemId: string; qty: number }[]) {
  const h = w.community.households[hIndex]!;
  const res = await joinRelay({
    ctx: w.ctx(w.residents.get(h.id)!),
    input: { communityId: w.community.id, relayId, householdId: h.id, lines, idempotencyKey: newKey() },
  });
  return res.order.orderId;
}

async function setStatus(orderId: string, status: 'paid' | 'cancelled' | 'fulfilled') {
  await database.db
    .update(orders)
    .set({ status })
    .where(and(eq(orders.communityId, w.community.id), eq(orders.id, orderId)));
}

function last(hIndex: number, relayId: string, asHousehold = hIndex) {
  const h = w.community.households[hIndex]!;
  return lastOrderHere({
    ctx: w.ctx(w.residents.get(w.community.households[asHousehold]!.id)!),
    input: { communityId: w.community.id, relayId, householdId: h.id },
  });
}

describe('跟上次一样', () => {
  it('returns the last bought order of this merchant, matched by product; own household only', async () => {
    const { rice, eggs, veg } = w.products;
    const first = await openTestRelay(w, {
      title: '第1期',
      items: [{ product: 'rice' }, { product: 'eggs' }, { product: 'veg' }],
    });
    const i1 = await itemsOf(first);
    const bought = await order(1, first, [
      { relayItemId: i1[rice]!, qty: 2 },
      { relayItemId: i1[eggs]!, qty: 1 },
      { relayItemId: i1[veg]!, qty: 3 },
    ]);
    await setStatus(bought, 'fulfilled');

    // A later order of the same merchant that was cancelled, and an unpaid one: not "last time".
    w.clock.now = new Date(w.clock.now.getTime() + 60_000);
    const second = await openTestRelay(w, { title: '第2期', items: [{ product: 'rice' }] });
    const i2 = await itemsOf(second);
    await setStatus(await order(1, second, [{ relayItemId: i2[rice]!, qty: 5 }]), 'cancelled');

    // This relay offers rice and eggs, not the vegetable box.
    const third = await openTestRelay(w, {
      title: '第3期',
      items: [{ product: 'rice' }, { product: 'eggs' }],
    });
    const i3 = await itemsOf(third);
    await order(1, second, [{ relayItemId: i2[rice]!, qty: 1 }]); // unpaid

    const got = await last(1, third);
    expect(got).not.toBeNull();
    expect(got!.relayTitle).toBe('第1期');
    expect(got!.lines).toEqual([
      { name: '东北大米', qty: 2, relayItemId: i3[rice] },
      { name: '鸡蛋', qty: 1, relayItemId: i3[eggs] },
      { name: '蔬菜套餐', qty: 3, relayItemId: null },
    ]);

    // A household that never bought here: nothing to copy.
    expect(await last(2, third)).toBeNull();

    // Another household's history is not the caller's to read.
    let refused = '';
    try {
      await last(1, third, 2);
    } catch (e) {
      if (isServiceError(e)) refused = `${e.kind}:${e.code}`;
      else throw e;
    }
    expect(refused).toBe('NOT_FOUND:HOUSEHOLD_NOT_FOUND');

    // Once the household has bought in the 2nd relay, that is the last order.
    const paid = await order(1, second, [{ relayItemId: i2[rice]!, qty: 4 }]);
    await setStatus(paid, 'paid');
    const now = await last(1, third);
    expect(now!.relayTitle).toBe('第2期');
    expect(now!.lines).toEqual([{ name: '东北大米', qty: 4, relayItemId: i3[rice] }]);
  });
});
