/**
 * The bench's fault drills (bench/relay.ts, docs/PERFORMANCE.md), pinned in the suite at a size a
 * test can afford. The bench found no defect — no oversell, no lost or doubled order, no 5xx, no
 * state change on replayed webhooks, one cutoff and one refund per order — so nothing here
 * reproduces a bug; these are the two drill outcomes the suite did not yet hold:
 *  - a server killed between a join's commit and its PaymentIntent: the phone's retry gets the
 *    same order back, and the order is payable from its pay page;
 *  - Stripe delivering both copies of an event at the same moment: the second changes nothing.
 * Further regressions the bench finds go here, each reproduced before it is fixed.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setDatabase, type Database } from '@/db/client';
import { auditLog, notifications, orders, payments, relayItems, stripeEvents } from '@/db/schema';
import { POST as webhookRoute } from '@/app/api/stripe/webhook/route';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let stripe: TestStripe;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database); // the webhook route uses the process database
  stripe = await startTestStripe({
    onEvent: (payload, signature) =>
      webhookRoute(
        new Request('http://linli.test/api/stripe/webhook', {
          method: 'POST',
          body: payload,
          headers: { 'stripe-signature': signature },
        }),
      ),
  });
  w = await makeRelayWorld(database, { buildings: 1, stairwellsPerBuilding: 2, householdsPerStairwell: 3 });
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await stripe?.close();
  await database?.close();
});

const H = (i: number) => w.community.households[i]!;
const resident = (i: number) => w.residents.get(H(i).id)!;
const caller = (u: SessionUser) => callerFor(database, u, () => new Date());

async function eggsRelay() {
  const relayId = await openTestRelay(w, {
    items: [{ product: 'eggs', stockCap: 10, perHouseholdLimit: 2 }],
  });
  const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  return { relayId, itemId: item!.id };
}

function joinInput(i: number, relayId: string, itemId: string, key: string) {
  return {
    communityId: w.community.id,
    relayId,
    householdId: H(i).id,
    lines: [{ relayItemId: itemId, qty: 1 }],
    idempotencyKey: key,
  };
}

describe('Stripe unreachable around a join (kill -9 / outage drill)', () => {
  it('the join does not need Stripe; the pay page answers PAYMENT_PROVIDER_UNAVAILABLE, then pays', async () => {
    const { relayId, itemId } = await eggsRelay();
    const key = newKey('kill');
    // Stripe down for everything (the SDK's own retries included): the join never calls it.
    stripe.mock.failRequests(100);
    const first = await caller(resident(0)).relay.join(joinInput(0, relayId, itemId, key));
    const retry = await caller(resident(0)).relay.join(joinInput(0, relayId, itemId, key));
    expect(retry.replayed).toBe(true);
    expect(retry.order.orderId).toBe(first.order.orderId);
    expect(retry.order.seq).toBe(first.order.seq);
    const mine = await database.db
      .select()
      .from(orders)
      .where(and(eq(orders.relayId, relayId), eq(orders.householdId, H(0).id)));
    expect(mine).toHaveLength(1);

    const input = {
      communityId: w.community.id,
      orderId: first.order.orderId,
      method: 'wechat_pay' as const,
    };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const refused = await caller(resident(0))
      .payment.choose(input)
      .then(
        () => null,
        (e: unknown) => e as { code: string; cause?: { code: string; details: unknown } },
      );
    logged.mockRestore();
    stripe.mock.failRequests(0);
    expect(refused?.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused?.cause?.code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    expect(typeof (refused?.cause?.details as { retryAfterSeconds?: unknown }).retryAfterSeconds).toBe(
      'number',
    );

    // The order is still payable once Stripe is back.
    const page = await caller(resident(0)).payment.get({
      communityId: w.community.id,
      orderId: first.order.orderId,
    });
    expect(page.payable).toBe(true);
    const chosen = await caller(resident(0)).payment.choose(input);
    expect(chosen.action.kind).toBe('wechat_qr');
    const intents = stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === first.order.orderId);
    expect(intents.filter((pi) => pi.status !== 'canceled')).toHaveLength(1);
  });
});

describe('Stripe delivers both copies of an event at the same moment (webhook replay drill)', () => {
  it('the order is paid once: one event row, one audit row, one notification', async () => {
    const { relayId, itemId } = await eggsRelay();
    const j = await caller(resident(1)).relay.join(joinInput(1, relayId, itemId, newKey('hook')));
    const chosen = await caller(resident(1)).payment.choose({
      communityId: w.community.id,
      orderId: j.order.orderId,
      method: 'card',
    });
    const intentId = chosen.payment.paymentIntentId!;
    // The first delivery is lost, so the two copies below are the first the app sees.
    stripe.mock.pauseWebhooks(true);
    await stripe.client.paymentIntents.confirm(intentId, {
      payment_method: 'pm_card_visa',
      return_url: 'http://linli.test/pay/return',
    });
    await stripe.mock.waitForWebhooks();
    stripe.mock.pauseWebhooks(false);
    const event = stripe.mock.events.find(
      (e) => e.type === 'payment_intent.succeeded' && (e.data.object as { id: string }).id === intentId,
    )!;

    const copies = await Promise.all([stripe.mock.redeliver(event.id), stripe.mock.redeliver(event.id)]);
    expect(copies.map((c) => c.outcome)).toEqual(['delivered', 'delivered']);

    const [order] = await database.db.select().from(orders).where(eq(orders.id, j.order.orderId));
    expect(order!.status).toBe('paid');
    const [payment] = await database.db.select().from(payments).where(eq(payments.orderId, j.order.orderId));
    expect(payment!.status).toBe('succeeded');
    expect(await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id))).toHaveLength(
      1,
    );
    const paidAudits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, j.order.orderId), eq(auditLog.action, 'order.paid')));
    expect(paidAudits).toHaveLength(1);
    const paidNotes = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(1).id), eq(notifications.kind, 'order.paid')));
    expect(paidNotes).toHaveLength(1);
  });
});
