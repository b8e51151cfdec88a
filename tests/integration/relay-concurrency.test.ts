/**
 * The moment of highest load: a relay opens and hundreds of households join at once. Runs on
 * PGlite and on PostgreSQL (DATABASE_URL): same assertions, real concurrency on the server.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { householdItemTotals, orders, relayItems } from '@/db/schema';
import { choosePaymentMethod } from '@/server/services/payment/choose-payment-method';
import { joinRelay } from '@/server/services/relay/join-relay';
import type { TRPCError } from '@trpc/server';
import { isServiceError } from '@/server/services/shared/errors';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let stripe: TestStripe;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  stripe = await startTestStripe();
  // 5 buildings × 4 stairwells × 10 households = 200 households, one resident each.
  w = await makeRelayWorld(database, { buildings: 5, stairwellsPerBuilding: 4, householdsPerStairwell: 10 });
}, 180_000);

afterAll(async () => {
  await stripe?.close();
  await database?.close();
});

type Outcome = { ok: true; seq: number; orderId: string } | { ok: false; code: string; kind: string };

async function attempt(p: Promise<Awaited<ReturnType<typeof joinRelay>>>): Promise<Outcome> {
  try {
    const r = await p;
    return { ok: true, seq: r.order.seq, orderId: r.order.orderId };
  } catch (e) {
    if (isServiceError(e)) return { ok: false, code: e.code, kind: e.kind };
    throw e;
  }
}

describe('200 households join at once for 50 capped units', () => {
  it('sells exactly 50, tells 150 "sold out", and numbers the accepted orders 1..50', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs', stockCap: 50 }] });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const households = w.community.households;
    expect(households).toHaveLength(200);
    stripe.mock.reset();

    const outcomes = await Promise.all(
      households.map((h) =>
        attempt(
          joinRelay({
            ctx: w.ctx(w.residents.get(h.id)!),
            input: {
              communityId: w.community.id,
              relayId,
              householdId: h.id,
              lines: [{ relayItemId: item!.id, qty: 1 }],
              idempotencyKey: newKey(),
            },
          }),
        ),
      ),
    );

    const accepted = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
    const refused = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(accepted).toHaveLength(50);
    expect(refused).toHaveLength(150);
    expect(new Set(refused.map((r) => `${r.kind}:${r.code}`))).toEqual(new Set(['CONFLICT:RELAY_SOLD_OUT']));

    const [after] = await database.db.select().from(relayItems).where(eq(relayItems.id, item!.id));
    expect(after!.sold).toBe(50);
    expect(after!.stockCap! - after!.sold).toBeGreaterThanOrEqual(0);

    // Unique and gap-free among accepted orders: exactly 1..50.
    const seqs = accepted.map((a) => a.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const rows = await database.db
      .select({ seq: orders.seq })
      .from(orders)
      .where(eq(orders.relayId, relayId));
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(seqs);
    const [units] = await queryRows<{ n: number }>(
      database.db,
      sql`select coalesce(sum(ol.qty), 0)::int as n from order_lines ol join orders o on o.id = ol.order_id where o.relay_id = ${relayId}::uuid`,
    );
    expect(Number(units!.n)).toBe(50);
    // The join makes no PaymentIntent: the payer chooses a method on the pay page.
    expect(stripe.mock.paymentIntents()).toHaveLength(0);
  });
});

describe('one household joining 20 times at once with a limit of 2', () => {
  it('gets exactly 2 units; the other attempts hear the limit', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'rice', stockCap: 100, perHouseholdLimit: 2 }],
    });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const h = w.community.households[7]!;
    const user = w.residents.get(h.id)!;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        attempt(
          joinRelay({
            ctx: w.ctx(user),
            input: {
              communityId: w.community.id,
              relayId,
              householdId: h.id,
              lines: [{ relayItemId: item!.id, qty: 1 }],
              idempotencyKey: newKey(),
            },
          }),
        ),
      ),
    );
    const accepted = outcomes.filter((o) => o.ok);
    expect(accepted).toHaveLength(2);
    const refusedCodes = new Set(outcomes.filter((o) => !o.ok).map((o) => (o as { code: string }).code));
    expect(refusedCodes).toEqual(new Set(['RELAY_HOUSEHOLD_LIMIT']));
    const [total] = await database.db
      .select()
      .from(householdItemTotals)
      .where(and(eq(householdItemTotals.relayItemId, item!.id), eq(householdItemTotals.householdId, h.id)));
    expect(total!.qty).toBe(2);
    const [after] = await database.db.select().from(relayItems).where(eq(relayItems.id, item!.id));
    expect(after!.sold).toBe(2);
  });
});

describe('a phone retrying one submit 10 times at once', () => {
  it('makes one order, and ten taps on one method make one PaymentIntent', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'veg', stockCap: 10 }] });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const h = w.community.households[11]!;
    const user = w.residents.get(h.id)!;
    const key = newKey('retry');
    stripe.mock.reset();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        joinRelay({
          ctx: w.ctx(user),
          input: {
            communityId: w.community.id,
            relayId,
            householdId: h.id,
            lines: [{ relayItemId: item!.id, qty: 3 }],
            idempotencyKey: key,
          },
        }),
      ),
    );
    expect(new Set(results.map((r) => r.order.orderId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed).length).toBe(1);
    const rows = await database.db.select().from(orders).where(eq(orders.relayId, relayId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seq).toBe(1);
    const [after] = await database.db.select().from(relayItems).where(eq(relayItems.id, item!.id));
    expect(after!.sold).toBe(3);
    expect(stripe.mock.paymentIntents()).toHaveLength(0);
    const chosen = await Promise.all(
      Array.from({ length: 10 }, () =>
        choosePaymentMethod({
          ctx: w.ctx(user),
          input: { communityId: w.community.id, orderId: rows[0]!.id, method: 'wechat_pay' },
        }),
      ),
    );
    const intents = stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === rows[0]!.id);
    expect(intents).toHaveLength(1);
    expect(stripe.mock.paymentIntents()).toHaveLength(1);
    expect(intents[0]!.amount).toBe(3 * 6800);
    expect(new Set(chosen.map((r) => r.payment.paymentIntentId))).toEqual(new Set([intents[0]!.id]));
  });
});

describe('the same idempotency key with a different body (issue 11 item 7)', () => {
  it('is refused with IDEMPOTENCY_KEY_MISMATCH (422), even when both arrive at once; one order only', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs', stockCap: 100 }] });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const h = w.community.households[5]!;
    const user = w.residents.get(h.id)!;
    const key = newKey('changed');
    const send = (qty: number) =>
      callerFor(database, user, () => w.clock.now).relay.join({
        communityId: w.community.id,
        relayId,
        householdId: h.id,
        lines: [{ relayItemId: item!.id, qty }],
        idempotencyKey: key,
      });
    // Two bodies under one key, five copies of each, all at once.
    const settled = await Promise.allSettled([3, 2, 3, 2, 3, 2, 3, 2, 3, 2].map((q) => send(q)));
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as TRPCError] : []));
    expect(new Set(ok.map((r) => r.order.orderId)).size).toBe(1);
    const kept = ok[0]!.order.totalFen / item!.unitPriceFen;
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(5);
    for (const e of refused) {
      expect(e.code).toBe('UNPROCESSABLE_CONTENT');
      expect((e.cause as { code?: string }).code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    }
    const rows = await database.db.select().from(orders).where(eq(orders.relayId, relayId));
    expect(rows).toHaveLength(1);
    const [after] = await database.db.select().from(relayItems).where(eq(relayItems.id, item!.id));
    expect(after!.sold).toBe(kept);
    // The same body again is still the first order; a new key (the form changed) is a new order.
    expect((await send(kept)).replayed).toBe(true);
    await expect(send(kept === 3 ? 2 : 3)).rejects.toMatchObject({ code: 'UNPROCESSABLE_CONTENT' });
    const fresh = await callerFor(database, user, () => w.clock.now).relay.join({
      communityId: w.community.id,
      relayId,
      householdId: h.id,
      lines: [{ relayItemId: item!.id, qty: 1 }],
      idempotencyKey: newKey('changed'),
    });
    expect(fresh.order.seq).toBe(2);
  });
});
