/**
 * Relays end to end on a real database and a real (local) Stripe: the lifecycle, bad input that
 * changes nothing, payments through the webhook route, refunds that happen exactly once, expiry,
 * 代下单, the live chain, and who may do what.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, setDatabase, type Database } from '@/db/client';
import {
  auditLog,
  notifications,
  orders,
  payments,
  refunds,
  relayItems,
  relays,
  stripeEvents,
} from '@/db/schema';
import { POST as webhookRoute } from '@/app/api/stripe/webhook/route';
import { refundOrder } from '@/server/services/payment/refund-order';
import { retryPendingRefunds } from '@/server/services/payment/retry-pending-refunds';
import { expireUnpaidOrders } from '@/server/services/relay/expire-orders';
import {
  closeDueRelays,
  openDueRelays,
  settleClosedRelays,
} from '@/server/services/relay/run-relay-schedule';
import { CLOSE_UNDO_SECONDS } from '@/server/services/relay/rules';
import { settleRelay } from '@/server/services/relay/transitions';
import { watchRelayChain, type ChainUpdate } from '@/server/services/relay/watch-relay-chain';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeUser } from '@/tests/helpers/fixtures';
import { makeMerchant } from '@/tests/helpers/relay-fixtures';
import {
  expireMerchantPermit,
  makeRelayWorld,
  markCareHousehold,
  newKey,
  openTestRelay,
  type RelayWorld,
} from '@/tests/helpers/relay-world';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let stripe: TestStripe;
let w: RelayWorld;

beforeAll(async () => {
  database = await createTestDatabase();
  setDatabase(database); // the webhook route uses the process database
  // Webhooks go through the real route handler, in-process.
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
  w = await makeRelayWorld(database, { buildings: 4, start: new Date('2026-04-10T02:00:00Z') });
}, 120_000);

afterAll(async () => {
  setDatabase(undefined);
  await stripe?.close();
  await database?.close();
});

beforeEach(() => {
  stripe.mock.pauseWebhooks(false);
});

const db = () => database.db;
const H = (i: number) => w.community.households[i]!;
const resident = (i: number) => w.residents.get(H(i).id)!;
const caller = (u: SessionUser | null) => callerFor(database, u, () => w.clock.now);

async function itemsOf(relayId: string) {
  return db().select().from(relayItems).where(eq(relayItems.relayId, relayId)).orderBy(relayItems.position);
}

/** Joins, then (as the pay page does) chooses the card: the join itself makes no PaymentIntent. */
async function join(i: number, relayId: string, lines: { item: string; qty: number }[], key = newKey()) {
  const j = await caller(resident(i)).relay.join({
    communityId: w.community.id,
    relayId,
    householdId: H(i).id,
    lines: lines.map((l) => ({ relayItemId: l.item, qty: l.qty })),
    idempotencyKey: key,
  });
  const chosen =
    j.order.status === 'pending_payment'
      ? await caller(resident(i)).payment.choose({
          communityId: w.community.id,
          orderId: j.order.orderId,
          method: 'card',
        })
      : null;
  const payment = chosen ? { ...chosen.payment, paymentIntentId: chosen.payment.paymentIntentId! } : null;
  return { ...j, payment };
}

/** Pays as the phone would on Stripe's side (not through our test page): only the webhook tells us. */
async function payOnStripe(
  paymentIntentId: string,
  card: 'pm_card_visa' | 'pm_card_chargeDeclined' = 'pm_card_visa',
) {
  try {
    await stripe.client.paymentIntents.confirm(paymentIntentId, {
      payment_method: card,
      return_url: 'http://linli.test/pay/return',
    });
  } catch (e) {
    if ((e as { type?: string }).type !== 'StripeCardError') throw e;
  }
  await stripe.mock.waitForWebhooks();
}

async function orderRow(orderId: string) {
  const [o] = await db().select().from(orders).where(eq(orders.id, orderId));
  return o!;
}

/** tRPC errors: `code` is the tRPC code, `cause.code` the service's stable code. */
async function expectRefusal(p: Promise<unknown>, trpcCode: string, appCode?: string) {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    expect(err.code).toBe(trpcCode);
    if (appCode) expect(err.cause?.code).toBe(appCode);
    return;
  }
  throw new Error(`expected ${trpcCode}${appCode ? ` ${appCode}` : ''}, but it succeeded`);
}

describe('lifecycle', () => {
  it('draft → open on schedule → join → pay → closed at cutoff → formed, each with its audit row', async () => {
    const relayId = await openTestRelay(w, {
      draft: true,
      threshold: { kind: 'households', value: 2 },
      items: [{ product: 'rice', stockCap: 10 }],
    });
    const [item] = await itemsOf(relayId);
    await expectRefusal(
      join(1, relayId, [{ item: item!.id, qty: 1 }]),
      'PRECONDITION_FAILED',
      'RELAY_NOT_YET_OPEN',
    );

    expect(await openDueRelays(database, w.clock.now)).toBe(0); // not yet
    w.clock.now = new Date(w.clock.now.getTime() + 11 * 60_000);
    expect(await openDueRelays(database, w.clock.now)).toBe(1);
    expect(await openDueRelays(database, w.clock.now)).toBe(0); // exactly once

    const a = await join(1, relayId, [{ item: item!.id, qty: 2 }]);
    const b = await join(2, relayId, [{ item: item!.id, qty: 1 }]);
    expect([a.order.seq, b.order.seq]).toEqual([1, 2]);
    expect(a.order.totalFen).toBe(2 * 3990);
    await payOnStripe(a.payment!.paymentIntentId);
    await payOnStripe(b.payment!.paymentIntentId);
    expect((await orderRow(a.order.orderId)).status).toBe('paid');

    w.clock.now = new Date(w.clock.now.getTime() + 61 * 60_000);
    expect(await closeDueRelays(database, w.clock.now)).toBe(1);
    expect(await settleClosedRelays(database, w.clock.now)).toBe(1);
    const [r] = await db().select().from(relays).where(eq(relays.id, relayId));
    expect(r!.status).toBe('formed');
    expect(r!.closeReason).toBe('cutoff');
    const actions = (
      await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, relayId))
    ).map((x) => x.action);
    expect(actions).toEqual(
      expect.arrayContaining(['relay.created', 'relay.opened', 'relay.closed', 'relay.formed']),
    );
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(1).id), eq(notifications.kind, 'relay.formed')));
    expect(told).toHaveLength(1);
  });

  it('refuses illegal transitions with a clear, stable code', async () => {
    const m = w.merchant;
    const relayId = await openTestRelay(w, {});
    const ref = { merchantId: m.id, communityId: w.community.id, relayId };
    const c = caller(m.owner);
    await expectRefusal(c.relay.open(ref), 'PRECONDITION_FAILED', 'RELAY_NOT_DRAFT');
    const closed = await c.relay.close(ref);
    expect(closed.status).toBe('closed'); // 提前截单: undecided while it may be undone
    await expectRefusal(c.relay.close(ref), 'PRECONDITION_FAILED', 'RELAY_NOT_OPEN');
    w.clock.now = new Date(w.clock.now.getTime() + (CLOSE_UNDO_SECONDS + 1) * 1000);
    await settleClosedRelays(database, w.clock.now);
    const [decided] = await db().select().from(relays).where(eq(relays.id, relayId));
    expect(decided!.status).toBe('failed'); // nobody joined: nothing to deliver
    await expectRefusal(c.relay.undoClose(ref), 'PRECONDITION_FAILED', 'RELAY_CLOSE_UNDO_EXPIRED');
    await expectRefusal(
      c.relay.cancel({ ...ref, reason: '货源不足' }),
      'PRECONDITION_FAILED',
      'RELAY_ALREADY_DECIDED',
    );
    const draftId = await openTestRelay(w, { draft: true });
    await expectRefusal(c.relay.close({ ...ref, relayId: draftId }), 'PRECONDITION_FAILED', 'RELAY_NOT_OPEN');
  });

  it('closes early when every capped item is held by paid orders', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'veg', stockCap: 2 }] });
    const [item] = await itemsOf(relayId);
    const a = await join(3, relayId, [{ item: item!.id, qty: 2 }]);
    expect(await closeDueRelays(database, w.clock.now)).toBe(0); // reserved, not yet paid
    await payOnStripe(a.payment!.paymentIntentId);
    expect(await closeDueRelays(database, w.clock.now)).toBe(1);
    const [r] = await db().select().from(relays).where(eq(relays.id, relayId));
    expect(r!.status).toBe('closed');
    expect(r!.closeReason).toBe('sold_out');
  });

  it('waits for running unpaid holds before deciding, then expires them and decides', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'rice' }],
      threshold: { kind: 'units', value: 1 },
    });
    const [item] = await itemsOf(relayId);
    const paid = await join(4, relayId, [{ item: item!.id, qty: 1 }]);
    await payOnStripe(paid.payment!.paymentIntentId);
    const unpaid = await join(5, relayId, [{ item: item!.id, qty: 3 }]);
    const m = w.merchant;
    const res = await caller(m.owner).relay.close({ merchantId: m.id, communityId: w.community.id, relayId });
    expect(res.status).toBe('closed');
    w.clock.now = new Date(w.clock.now.getTime() + (CLOSE_UNDO_SECONDS + 1) * 1000);
    // Still within its hold, the late payer may pay after the close.
    await payOnStripe(unpaid.payment!.paymentIntentId);
    expect((await orderRow(unpaid.order.orderId)).status).toBe('paid');
    expect(await settleClosedRelays(database, w.clock.now)).toBeGreaterThanOrEqual(1);
    const [r] = await db().select().from(relays).where(eq(relays.id, relayId));
    expect(r!.status).toBe('formed');
  });
});

describe('提前截单 asks first and may be undone (issue 13 item 1)', () => {
  /** Every timed sweep that could decide or refund a closed relay, as the job loop runs them. */
  async function runSweeps() {
    await closeDueRelays(database, w.clock.now);
    await settleClosedRelays(database, w.clock.now);
    await retryPendingRefunds(database, w.clock.now);
  }
  async function snapshot(relayId: string) {
    const [r] = await db().select().from(relays).where(eq(relays.id, relayId));
    const os = await db()
      .select({ id: orders.id, seq: orders.seq, status: orders.status, totalFen: orders.totalFen })
      .from(orders)
      .where(eq(orders.relayId, relayId))
      .orderBy(orders.seq);
    const items = (await itemsOf(relayId)).map((i) => ({ id: i.id, sold: i.sold, cap: i.stockCap }));
    return { status: r!.status, nextSeq: r!.nextSeq, closedAt: r!.closedAt, orders: os, items };
  }

  it('previews the outcome, refunds nothing inside the window, and undo restores the relay exactly', async () => {
    const m = w.merchant;
    const relayId = await openTestRelay(w, {
      items: [{ product: 'rice', stockCap: 20 }],
      threshold: { kind: 'households', value: 3 },
    });
    const ref = { merchantId: m.id, communityId: w.community.id, relayId };
    const [item] = await itemsOf(relayId);
    const a = await join(17, relayId, [{ item: item!.id, qty: 2 }]);
    const b = await join(18, relayId, [{ item: item!.id, qty: 1 }]);
    await payOnStripe(a.payment!.paymentIntentId);
    await payOnStripe(b.payment!.paymentIntentId);
    await join(19, relayId, [{ item: item!.id, qty: 1 }]); // unpaid, its hold still running

    // The confirmation's facts: 2 paid households of 3 → 未成团, both paid orders refunded.
    const view = await caller(m.owner).relay.getForMerchant(ref);
    expect(view.closePreview).toEqual({
      outcome: 'failed',
      paidOrders: 2,
      pendingOrders: 1,
      refundOrders: 2,
    });
    expect(view.closeUndoUntil).toBeNull();

    const before = await snapshot(relayId);
    const closedAt = w.clock.now;
    const res = await caller(m.owner).relay.close(ref);
    expect(res.status).toBe('closed');
    expect(res.undoUntil!.getTime()).toBe(closedAt.getTime() + CLOSE_UNDO_SECONDS * 1000);
    await expectRefusal(
      join(20, relayId, [{ item: item!.id, qty: 1 }]),
      'PRECONDITION_FAILED',
      'RELAY_CLOSED',
    );
    expect((await caller(m.owner).relay.getForMerchant(ref)).closeUndoUntil).toEqual(res.undoUntil);

    // Inside the window every sweep runs and decides and refunds nothing.
    w.clock.now = new Date(closedAt.getTime() + (CLOSE_UNDO_SECONDS - 5) * 1000);
    await runSweeps();
    const during = await snapshot(relayId);
    expect(during.status).toBe('closed');
    expect(during.orders.map((o) => o.status)).toEqual(['paid', 'paid', 'pending_payment']);
    // No refund reserved (a refund is written here before it is sent to Stripe).
    const relayOrders = during.orders.map((o) => o.id);
    const reserved = await db().select().from(refunds);
    expect(reserved.filter((r) => relayOrders.includes(r.orderId))).toHaveLength(0);

    // Undo: open again exactly as before — the same orders, numbers and stock.
    const undone = await caller(m.owner).relay.undoClose(ref);
    expect(undone.status).toBe('open');
    const after = await snapshot(relayId);
    expect(after).toEqual(before);
    const actions = (
      await db().select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.entityId, relayId))
    ).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['relay.closed', 'relay.close_undone']));
    // The chain goes on with the next number.
    const c = await join(20, relayId, [{ item: item!.id, qty: 1 }]);
    expect(c.order.seq).toBe(4);
    // Its unpaid holds must not linger for the expiry tests below.
    await caller(m.owner).relay.cancel({ ...ref, reason: '测试结束' });
    await expectRefusal(
      caller(m.owner).relay.undoClose(ref),
      'PRECONDITION_FAILED',
      'RELAY_CLOSE_UNDO_EXPIRED',
    );
  });

  it('after the window the undo is refused and the relay is decided and refunded', async () => {
    const m = w.merchant;
    const relayId = await openTestRelay(w, {
      items: [{ product: 'eggs' }],
      threshold: { kind: 'households', value: 5 },
    });
    const ref = { merchantId: m.id, communityId: w.community.id, relayId };
    const [item] = await itemsOf(relayId);
    const a = await join(17, relayId, [{ item: item!.id, qty: 1 }]);
    await payOnStripe(a.payment!.paymentIntentId);
    const closedAt = w.clock.now;
    await caller(m.owner).relay.close(ref);
    // Someone else's team, a resident, nobody: refused as usual.
    const other = await makeMerchant(db(), { name: '别家超市' });
    await expectRefusal(
      caller(other.owner).relay.undoClose({ ...ref, merchantId: other.id }),
      'NOT_FOUND',
      'RELAY_NOT_FOUND',
    );
    await expectRefusal(caller(resident(17)).relay.undoClose(ref), 'FORBIDDEN');
    await expectRefusal(caller(null).relay.undoClose(ref), 'UNAUTHORIZED');

    // The window has passed: the undo is refused even before the sweep got to the relay.
    w.clock.now = new Date(closedAt.getTime() + CLOSE_UNDO_SECONDS * 1000);
    await expectRefusal(
      caller(m.owner).relay.undoClose(ref),
      'PRECONDITION_FAILED',
      'RELAY_CLOSE_UNDO_EXPIRED',
    );
    await runSweeps();
    expect((await snapshot(relayId)).status).toBe('failed');
    expect((await orderRow(a.order.orderId)).status).toBe('cancelled');
    const [refund] = await db().select().from(refunds).where(eq(refunds.orderId, a.order.orderId));
    expect(refund).toMatchObject({ amountFen: a.order.totalFen });
    await expectRefusal(
      caller(m.owner).relay.undoClose(ref),
      'PRECONDITION_FAILED',
      'RELAY_CLOSE_UNDO_EXPIRED',
    );
  });
});

describe('bad input changes nothing', () => {
  let relayId: string;
  let rice: string;
  let eggs: string;
  beforeAll(async () => {
    relayId = await openTestRelay(w, {
      items: [
        { product: 'rice', stockCap: 5, perHouseholdLimit: 2 },
        { product: 'eggs', stockCap: 5 },
      ],
    });
    const items = await itemsOf(relayId);
    rice = items[0]!.id;
    eggs = items[1]!.id;
  });

  async function unchanged() {
    const items = await itemsOf(relayId);
    expect(items.map((i) => i.sold)).toEqual([0, 0]);
    const rows = await db().select().from(orders).where(eq(orders.relayId, relayId));
    expect(rows).toHaveLength(0);
  }

  it('quantity 0, negative or fractional → BAD_REQUEST with a clear message', async () => {
    for (const qty of [0, -1, 1.5]) {
      await expect(join(6, relayId, [{ item: rice, qty }])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(join(6, relayId, [{ item: rice, qty: 1.5 }])).rejects.toThrow(/整数|whole number/);
    await expect(join(6, relayId, [{ item: rice, qty: 0 }])).rejects.toThrow(/至少为 1|at least 1/);
    await unchanged();
  });

  it('over the per-household limit → RELAY_HOUSEHOLD_LIMIT', async () => {
    await expectRefusal(join(6, relayId, [{ item: rice, qty: 3 }]), 'BAD_REQUEST', 'RELAY_HOUSEHOLD_LIMIT');
    await unchanged();
  });

  it('an item of another relay → RELAY_ITEM_NOT_IN_RELAY', async () => {
    const other = await openTestRelay(w, { items: [{ product: 'veg' }] });
    const [foreign] = await itemsOf(other);
    await expectRefusal(
      join(6, relayId, [{ item: foreign!.id, qty: 1 }]),
      'BAD_REQUEST',
      'RELAY_ITEM_NOT_IN_RELAY',
    );
    await unchanged();
  });

  it('a tampered amount: a client total that differs is refused; a price in a line is refused', async () => {
    await expectRefusal(
      caller(resident(6)).relay.join({
        communityId: w.community.id,
        relayId,
        householdId: H(6).id,
        lines: [{ relayItemId: eggs, qty: 2 }],
        idempotencyKey: newKey(),
        expectedTotalFen: 1,
      }),
      'CONFLICT',
      'ORDER_TOTAL_MISMATCH',
    );
    await expectRefusal(
      caller(resident(6)).relay.join({
        communityId: w.community.id,
        relayId,
        householdId: H(6).id,
        lines: [{ relayItemId: eggs, qty: 2, unitPriceFen: 1 } as never],
        idempotencyKey: newKey(),
      }),
      'BAD_REQUEST',
    );
    await unchanged();
    // The server's total is what is charged.
    const ok = await join(6, relayId, [{ item: eggs, qty: 2 }]);
    expect(ok.order.totalFen).toBe(2 * 4500);
    expect(ok.payment!.amountFen).toBe(2 * 4500);
    await caller(resident(6)).relay.cancelOrder({ communityId: w.community.id, orderId: ok.order.orderId });
  });

  it('a household that is not yours → NOT_FOUND', async () => {
    await expectRefusal(
      caller(resident(6)).relay.join({
        communityId: w.community.id,
        relayId,
        householdId: H(7).id,
        lines: [{ relayItemId: eggs, qty: 1 }],
        idempotencyKey: newKey(),
      }),
      'NOT_FOUND',
      'HOUSEHOLD_NOT_FOUND',
    );
  });

  it('closed, failed and not-yet-open relays refuse with their own codes', async () => {
    const m = w.merchant;
    const closedId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [ci] = await itemsOf(closedId);
    const seed = await join(8, closedId, [{ item: ci!.id, qty: 1 }]);
    await caller(m.owner).relay.close({ merchantId: m.id, communityId: w.community.id, relayId: closedId });
    await expectRefusal(join(9, closedId, [{ item: ci!.id, qty: 1 }]), 'PRECONDITION_FAILED', 'RELAY_CLOSED');
    // Its only order never paid: once the hold ends the relay fails.
    w.clock.now = new Date(w.clock.now.getTime() + 16 * 60_000);
    await settleClosedRelays(database, w.clock.now);
    expect((await orderRow(seed.order.orderId)).status).toBe('expired');
    await expectRefusal(join(9, closedId, [{ item: ci!.id, qty: 1 }]), 'PRECONDITION_FAILED', 'RELAY_FAILED');
    const draftId = await openTestRelay(w, { draft: true, items: [{ product: 'rice' }] });
    const [di] = await itemsOf(draftId);
    await expectRefusal(
      join(9, draftId, [{ item: di!.id, qty: 1 }]),
      'PRECONDITION_FAILED',
      'RELAY_NOT_YET_OPEN',
    );
  });

  it('a merchant whose permit lapsed cannot sell (requireActiveAdmission) nor open', async () => {
    const other = await makeMerchant(db(), { name: '过期超市' });
    const { admissions, products, merchants } = await import('@/db/schema');
    await db()
      .insert(admissions)
      .values({ communityId: w.community.id, merchantId: other.id, status: 'approved' });
    const [p] = await db()
      .insert(products)
      .values({ merchantId: other.id, name: '面粉', unit: '袋', priceFen: 2500 })
      .returning();
    const created = await caller(other.owner).relay.create({
      merchantId: other.id,
      communityId: w.community.id,
      title: '面粉团',
      items: [{ productId: p!.id, stockCap: null, perHouseholdLimit: null }],
      threshold: { kind: 'none', value: 0 },
      opensAt: w.clock.now,
      closesAt: new Date(w.clock.now.getTime() + 3_600_000),
      deliveryDate: '2026-12-31',
      openNow: true,
    });
    const [item] = await itemsOf(created.relayId);
    const draft = await caller(other.owner).relay.create({
      merchantId: other.id,
      communityId: w.community.id,
      title: '面粉团2',
      items: [{ productId: p!.id, stockCap: null, perHouseholdLimit: null }],
      threshold: { kind: 'none', value: 0 },
      opensAt: new Date(w.clock.now.getTime() + 60_000),
      closesAt: new Date(w.clock.now.getTime() + 3_600_000),
      deliveryDate: '2026-12-31',
    });
    await db().update(merchants).set({ foodPermitExpiresOn: '2020-01-01' }).where(eq(merchants.id, other.id));
    await expectRefusal(
      join(9, created.relayId, [{ item: item!.id, qty: 1 }]),
      'PRECONDITION_FAILED',
      'ADMISSION_EXPIRED',
    );
    await expectRefusal(
      caller(other.owner).relay.open({
        merchantId: other.id,
        communityId: w.community.id,
        relayId: draft.relayId,
      }),
      'PRECONDITION_FAILED',
      'ADMISSION_EXPIRED',
    );
    const [after] = await itemsOf(created.relayId);
    expect(after!.sold).toBe(0);
    void expireMerchantPermit; // the world's own merchant stays valid for the other tests
  });
});

describe('payments', () => {
  it('a webhook with a bad or missing signature → 400 and nothing changes', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [item] = await itemsOf(relayId);
    const j = await join(10, relayId, [{ item: item!.id, qty: 1 }]);
    stripe.mock.pauseWebhooks(true);
    await payOnStripe(j.payment!.paymentIntentId);
    const event = stripe.mock.events.filter((e) => e.type === 'payment_intent.succeeded').at(-1)!;
    const body = JSON.stringify(event);
    const before = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(stripeEvents);
    const forged = await webhookRoute(
      new Request('http://linli.test/api/stripe/webhook', {
        method: 'POST',
        body,
        headers: { 'stripe-signature': 't=1,v1=deadbeef' },
      }),
    );
    expect(forged.status).toBe(400);
    const unsigned = await webhookRoute(
      new Request('http://linli.test/api/stripe/webhook', { method: 'POST', body }),
    );
    expect(unsigned.status).toBe(400);
    expect((await orderRow(j.order.orderId)).status).toBe('pending_payment');
    const after = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(stripeEvents);
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n));
    // The genuine event, delivered again, does the job.
    await stripe.mock.redeliver(event.id);
    expect((await orderRow(j.order.orderId)).status).toBe('paid');
  });

  it('the same event delivered twice is handled once', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [item] = await itemsOf(relayId);
    const j = await join(11, relayId, [{ item: item!.id, qty: 1 }]);
    await payOnStripe(j.payment!.paymentIntentId);
    const event = stripe.mock.events.find(
      (e) =>
        e.type === 'payment_intent.succeeded' &&
        (e.data.object as { id: string }).id === j.payment!.paymentIntentId,
    )!;
    const again = await stripe.mock.redeliver(event.id);
    expect(again).toBeTruthy();
    const rows = await db().select().from(stripeEvents).where(eq(stripeEvents.id, event.id));
    expect(rows).toHaveLength(1);
    const paidNotes = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(11).id), eq(notifications.kind, 'order.paid')));
    expect(paidNotes).toHaveLength(1);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, j.order.orderId), eq(auditLog.action, 'order.paid')));
    expect(audits).toHaveLength(1);
  });

  it('a lost webhook is healed by the return page reconciling', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [item] = await itemsOf(relayId);
    const j = await join(12, relayId, [{ item: item!.id, qty: 2 }]);
    stripe.mock.pauseWebhooks(true);
    await payOnStripe(j.payment!.paymentIntentId);
    expect((await orderRow(j.order.orderId)).status).toBe('pending_payment');
    const r = await caller(resident(12)).payment.reconcile({
      communityId: w.community.id,
      orderId: j.order.orderId,
    });
    expect(r.status).toBe('paid');
    expect((await orderRow(j.order.orderId)).status).toBe('paid');
  });

  it('the test-payment page: the declining card gives a clear decline, the good card pays', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [item] = await itemsOf(relayId);
    const j = await join(13, relayId, [{ item: item!.id, qty: 1 }]);
    const c = caller(resident(13));
    const base = {
      communityId: w.community.id,
      orderId: j.order.orderId,
    };
    const declined = await c.payment.payWithTestCard({
      ...base,
      paymentMethod: 'pm_card_chargeDeclined',
      idempotencyKey: newKey(),
    });
    expect(declined).toMatchObject({ outcome: 'declined', code: 'card_declined' });
    await stripe.mock.waitForWebhooks();
    expect((await orderRow(j.order.orderId)).status).toBe('pending_payment');
    const failedNote = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(13).id), eq(notifications.kind, 'order.payment_failed')));
    expect(failedNote).toHaveLength(1);
    const ok = await c.payment.payWithTestCard({
      ...base,
      paymentMethod: 'pm_card_visa',
      idempotencyKey: newKey(),
    });
    expect(ok).toMatchObject({ outcome: 'succeeded' });
    await stripe.mock.waitForWebhooks();
    expect((await orderRow(j.order.orderId)).status).toBe('paid');
    // One intent for the order, charged the server's total.
    const intents = stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === j.order.orderId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ amount: 3990, currency: 'cny', status: 'succeeded' });
    expect(intents[0]!.metadata.community_id).toBe(w.community.id);
  });

  it('an unpaid order expires after its hold and its stock (and household total) come back', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'eggs', stockCap: 3, perHouseholdLimit: 3 }],
    });
    const [item] = await itemsOf(relayId);
    const j = await join(14, relayId, [{ item: item!.id, qty: 3 }]);
    expect((await itemsOf(relayId))[0]!.sold).toBe(3);
    await expectRefusal(join(15, relayId, [{ item: item!.id, qty: 1 }]), 'CONFLICT', 'RELAY_SOLD_OUT');
    expect(await expireUnpaidOrders(database, new Date(w.clock.now.getTime() + 14 * 60_000))).toBe(0);
    expect(
      await expireUnpaidOrders(database, new Date(w.clock.now.getTime() + 16 * 60_000)),
    ).toBeGreaterThanOrEqual(1);
    expect((await orderRow(j.order.orderId)).status).toBe('expired');
    expect((await itemsOf(relayId))[0]!.sold).toBe(0);
    // Its intent can no longer be paid…
    const pi = stripe.mock.paymentIntents().find((x) => x.id === j.payment!.paymentIntentId)!;
    expect(pi.status).toBe('canceled');
    // …and the household can buy its full limit again.
    const again = await join(14, relayId, [{ item: item!.id, qty: 3 }]);
    expect(again.order.seq).toBe(2);
  });

  it('a payment that lands after the order expired is refunded automatically, once', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'veg' }] });
    const [item] = await itemsOf(relayId);
    const j = await join(15, relayId, [{ item: item!.id, qty: 1 }]);
    // Expire in the database only (as if Stripe's cancel had not reached it yet).
    await db().update(orders).set({ status: 'expired' }).where(eq(orders.id, j.order.orderId));
    await payOnStripe(j.payment!.paymentIntentId);
    const rs = await db().select().from(refunds).where(eq(refunds.orderId, j.order.orderId));
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ amountFen: 6800, status: 'succeeded', reason: 'late_payment' });
    expect(stripe.mock.refunds().filter((r) => r.payment_intent === j.payment!.paymentIntentId)).toHaveLength(
      1,
    );
  });
});

describe('a failed relay refunds every order in full, exactly once', () => {
  it('even when its close runs twice at once', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'rice' }, { product: 'eggs' }],
      threshold: { kind: 'households', value: 100 },
    });
    const [rice, eggs] = await itemsOf(relayId);
    const paid: { orderId: string; totalFen: number; pi: string }[] = [];
    for (const i of [16, 17, 18, 19, 20]) {
      const j = await join(i, relayId, [
        { item: rice!.id, qty: 1 },
        { item: eggs!.id, qty: (i % 3) + 1 },
      ]);
      await payOnStripe(j.payment!.paymentIntentId);
      paid.push({ orderId: j.order.orderId, totalFen: j.order.totalFen, pi: j.payment!.paymentIntentId });
    }
    const closer = w.clock.now;
    await database.db.transaction(async (tx) => {
      await tx
        .update(relays)
        .set({ status: 'closed', closedAt: closer, closeReason: 'manual' })
        .where(eq(relays.id, relayId));
    });
    const before = stripe.mock.refunds().length;
    const outcomes = await Promise.all([
      settleRelay(database, { communityId: w.community.id, id: relayId }, closer),
      settleRelay(database, { communityId: w.community.id, id: relayId }, closer),
      settleClosedRelays(database, closer),
    ]);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(1);
    await settleRelay(database, { communityId: w.community.id, id: relayId }, closer); // and once more later
    await stripe.mock.waitForWebhooks();

    const [r] = await db().select().from(relays).where(eq(relays.id, relayId));
    expect(r!.status).toBe('failed');
    const made = stripe.mock.refunds().slice(before);
    expect(made).toHaveLength(paid.length);
    for (const p of paid) {
      const mine = made.filter((x) => x.payment_intent === p.pi);
      expect(mine).toHaveLength(1);
      expect(mine[0]!.amount).toBe(p.totalFen);
      const o = await orderRow(p.orderId);
      expect(o.status).toBe('cancelled');
      const ours = await db().select().from(refunds).where(eq(refunds.orderId, p.orderId));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatchObject({
        idempotencyKey: `relay-failed:${p.orderId}`,
        status: 'succeeded',
        amountFen: p.totalFen,
      });
    }
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(16).id), eq(notifications.kind, 'relay.failed')));
    expect(told).toHaveLength(1);
    const refundedNote = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, resident(16).id), eq(notifications.kind, 'order.refunded')));
    expect(refundedNote.length).toBeGreaterThanOrEqual(1);
  });
});

describe('changing and cancelling before cutoff', () => {
  it('cancelling a paid order returns its stock and refunds it in full; a reduction refunds the difference', async () => {
    const relayId = await openTestRelay(w, {
      items: [
        { product: 'rice', stockCap: 10 },
        { product: 'eggs', stockCap: 10 },
      ],
    });
    const [rice, eggs] = await itemsOf(relayId);
    const c = caller(resident(21));
    const j = await join(21, relayId, [
      { item: rice!.id, qty: 3 },
      { item: eggs!.id, qty: 2 },
    ]);
    await payOnStripe(j.payment!.paymentIntentId);
    const reduced = await c.relay.changeOrder({
      communityId: w.community.id,
      orderId: j.order.orderId,
      lines: [{ relayItemId: rice!.id, qty: 1 }],
    });
    expect(reduced.totalFen).toBe(1 * 3990 + 2 * 4500);
    expect(reduced.refund).toMatchObject({ amountFen: 2 * 3990, status: 'succeeded' });
    expect((await itemsOf(relayId)).map((i) => i.sold)).toEqual([1, 2]);
    // A retried change is a no-op.
    const again = await c.relay.changeOrder({
      communityId: w.community.id,
      orderId: j.order.orderId,
      lines: [{ relayItemId: rice!.id, qty: 1 }],
    });
    expect(again.refund).toBeNull();
    await expectRefusal(
      c.relay.changeOrder({
        communityId: w.community.id,
        orderId: j.order.orderId,
        lines: [{ relayItemId: rice!.id, qty: 5 }],
      }),
      'PRECONDITION_FAILED',
      'ORDER_INCREASE_NOT_ALLOWED',
    );
    const cancelled = await c.relay.cancelOrder({ communityId: w.community.id, orderId: j.order.orderId });
    expect(cancelled.refund).toMatchObject({ amountFen: 3990 + 2 * 4500, status: 'succeeded' });
    expect((await itemsOf(relayId)).map((i) => i.sold)).toEqual([0, 0]);
    const refunded = stripe.mock.refunds().filter((r) => r.payment_intent === j.payment!.paymentIntentId);
    expect(refunded.reduce((s, r) => s + r.amount, 0)).toBe(j.order.totalFen);
    // Cancelling again is harmless; someone else's order is not found.
    await c.relay.cancelOrder({ communityId: w.community.id, orderId: j.order.orderId });
    await expectRefusal(
      caller(resident(22)).relay.cancelOrder({ communityId: w.community.id, orderId: j.order.orderId }),
      'NOT_FOUND',
      'ORDER_NOT_FOUND',
    );
  });

  it('reducing an unpaid order cancels its intent; the next choice makes one for the new amount', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'veg' }] });
    const [veg] = await itemsOf(relayId);
    const j = await join(22, relayId, [{ item: veg!.id, qty: 3 }]);
    await caller(resident(22)).relay.changeOrder({
      communityId: w.community.id,
      orderId: j.order.orderId,
      lines: [{ relayItemId: veg!.id, qty: 1 }],
    });
    expect(
      (await db().select().from(payments).where(eq(payments.orderId, j.order.orderId))).map((p) => p.status),
    ).toEqual(['canceled']);
    await caller(resident(22)).payment.choose({
      communityId: w.community.id,
      orderId: j.order.orderId,
      method: 'card',
    });
    const pays = await db().select().from(payments).where(eq(payments.orderId, j.order.orderId));
    expect(pays.map((p) => [p.status, p.amountFen]).sort()).toEqual([
      ['canceled', 3 * 6800],
      ['requires_payment_method', 6800],
    ]);
    const old = stripe.mock.paymentIntents().find((p) => p.id === j.payment!.paymentIntentId)!;
    expect(old.status).toBe('canceled');
  });
});

describe('代下单: a volunteer orders for a household of their stairwell', () => {
  it('records the volunteer as placer, marks care households for the door, and tells the household', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [rice] = await itemsOf(relayId);
    const vol = w.roles.volunteer; // leader of stairwell 0
    const care = w.community.households.find(
      (h) => h.stairwellId === w.community.stairwells[0]!.id && h.id !== H(0).id,
    )!;
    await markCareHousehold(w, care.id);
    const list = await caller(vol).relay.orderForHouseholds({ communityId: w.community.id, relayId });
    expect(list.households[0]).toMatchObject({ householdId: care.id, care: true, doorDelivery: true });
    const res = await caller(vol).relay.join({
      communityId: w.community.id,
      relayId,
      householdId: care.id,
      lines: [{ relayItemId: rice!.id, qty: 1 }],
      idempotencyKey: newKey(),
    });
    expect(res.order).toMatchObject({ onBehalf: true, doorDelivery: true });
    const o = await orderRow(res.order.orderId);
    expect(o.placedBy).toBe(vol.id);
    const householdUser = w.residents.get(care.id)!;
    const seen = await caller(householdUser).relay.myOrders({ communityId: w.community.id });
    expect(seen.find((x) => x.orderId === res.order.orderId)).toMatchObject({
      onBehalf: true,
      placedByName: vol.name,
    });
    const note = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, householdUser.id), eq(notifications.kind, 'order.placed')));
    expect(note.length).toBeGreaterThanOrEqual(1);
    // A household outside the volunteer's stairwells reads as not found.
    const outside = w.community.households.find((h) => h.stairwellId !== w.community.stairwells[0]!.id)!;
    await expectRefusal(
      caller(vol).relay.join({
        communityId: w.community.id,
        relayId,
        householdId: outside.id,
        lines: [{ relayItemId: rice!.id, qty: 1 }],
        idempotencyKey: newKey(),
      }),
      'NOT_FOUND',
      'HOUSEHOLD_NOT_FOUND',
    );
  });
});

describe('the live chain', () => {
  it('yields each join masked, and resumes from the last version seen', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [eggs] = await itemsOf(relayId);
    const ac = new AbortController();
    const watcher = watchRelayChain({
      ctx: w.ctx(resident(23)),
      input: { communityId: w.community.id, relayId, lastEventId: null },
      signal: ac.signal,
    });
    const first = (await watcher.next()).value as ChainUpdate; // the (empty) snapshot of an open relay
    expect(first.entries).toEqual([]);
    const nextUpdate = watcher.next();
    await join(24, relayId, [{ item: eggs!.id, qty: 2 }]);
    const update = (await nextUpdate).value as ChainUpdate;
    expect(update.entries).toHaveLength(1);
    const e = update.entries[0]!;
    expect(e.seq).toBe(1);
    expect(e.roomMasked).toMatch(/^\d\*+$/);
    expect(e.nameMasked).toMatch(/^.\*$/u);
    expect(e.lines).toEqual([{ relayItemId: eggs!.id, name: '鸡蛋', qty: 2 }]);
    expect(e.mine).toBe(false);
    expect(JSON.stringify(update)).not.toContain(resident(24).name);
    ac.abort();
    await watcher.return(undefined);

    // Resuming after that version yields only what changed since.
    await join(25, relayId, [{ item: eggs!.id, qty: 1 }]);
    const ac2 = new AbortController();
    const resumed = watchRelayChain({
      ctx: w.ctx(resident(25)),
      input: { communityId: w.community.id, relayId, lastEventId: String(update.version) },
      signal: ac2.signal,
    });
    const r = (await resumed.next()).value as ChainUpdate;
    expect(r.entries.map((x) => x.seq)).toEqual([2]);
    expect(r.entries[0]!.mine).toBe(true);
    ac2.abort();
    await resumed.return(undefined);
  });
  it('many phones share one read, yet each sees only its own entry as "mine"', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [rice] = await itemsOf(relayId);
    const phones = [26, 27, 28].map((i) => {
      const ac = new AbortController();
      const gen = watchRelayChain({
        ctx: w.ctx(resident(i)),
        input: { communityId: w.community.id, relayId, lastEventId: null },
        signal: ac.signal,
      });
      return { i, ac, gen };
    });
    for (const p of phones) await p.gen.next(); // snapshots
    const next = phones.map((p) => p.gen.next());
    await join(27, relayId, [{ item: rice!.id, qty: 1 }]);
    const updates = (await Promise.all(next)).map((r) => r.value as ChainUpdate);
    expect(updates.map((u) => u.entries.map((e) => [e.seq, e.mine]))).toEqual([
      [[1, false]],
      [[1, true]],
      [[1, false]],
    ]);
    for (const p of phones) {
      p.ac.abort();
      await p.gen.return(undefined);
    }
  });
});

describe('refundOrder (the verb distribution uses)', () => {
  it('two settlements with one key make one refund; more than was paid is refused', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    const [rice] = await itemsOf(relayId);
    const j = await join(26, relayId, [{ item: rice!.id, qty: 2 }]);
    await payOnStripe(j.payment!.paymentIntentId);
    const ctx = w.ctx(w.roles.admin);
    const input = {
      communityId: w.community.id,
      orderId: j.order.orderId,
      amountFen: 1000,
      reason: 'shortfall',
      idempotencyKey: `shortfall:test:${j.order.orderId}`,
    };
    const [a, b] = await Promise.all([refundOrder(ctx, input), refundOrder(ctx, input)]);
    expect(a.refundId).toBe(b.refundId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    await stripe.mock.waitForWebhooks();
    expect(stripe.mock.refunds().filter((r) => r.payment_intent === j.payment!.paymentIntentId)).toHaveLength(
      1,
    );
    await expect(
      refundOrder(ctx, {
        ...input,
        amountFen: 2 * 3990,
        idempotencyKey: `shortfall:test2:${j.order.orderId}`,
      }),
    ).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_PAID' });
    const rest = await refundOrder(ctx, {
      ...input,
      amountFen: 2 * 3990 - 1000,
      idempotencyKey: `shortfall:test3:${j.order.orderId}`,
    });
    expect(rest.status).toBe('succeeded');
  });
});

describe('refunds while Stripe is unreachable', () => {
  it('stay pending, then the refunds job finishes them with the same key — one refund at Stripe', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [eggs] = await itemsOf(relayId);
    const j = await join(31, relayId, [{ item: eggs!.id, qty: 1 }]);
    await payOnStripe(j.payment!.paymentIntentId);
    // Every attempt fails (the SDK retries too): the refund is recorded, not lost.
    stripe.mock.failRequests(10);
    const first = await refundOrder(w.ctx(w.roles.admin), {
      communityId: w.community.id,
      orderId: j.order.orderId,
      amountFen: 4500,
      reason: 'shortfall',
      idempotencyKey: `shortfall:offline:${j.order.orderId}`,
    });
    expect(first.status).toBe('pending');
    stripe.mock.failRequests(0);
    expect(await retryPendingRefunds(database, new Date())).toBe(0); // too fresh: its caller may still be sending it
    expect(await retryPendingRefunds(database, new Date(Date.now() + 60_000))).toBe(1);
    expect(await retryPendingRefunds(database, new Date(Date.now() + 120_000))).toBe(0);
    const [row] = await db().select().from(refunds).where(eq(refunds.id, first.refundId));
    expect(row).toMatchObject({ status: 'succeeded', amountFen: 4500 });
    expect(stripe.mock.refunds().filter((r) => r.payment_intent === j.payment!.paymentIntentId)).toHaveLength(
      1,
    );
  });
});

describe('who may do what', () => {
  let relayId: string;
  let itemId: string;
  let stranger: SessionUser;
  beforeAll(async () => {
    relayId = await openTestRelay(w, { items: [{ product: 'rice' }] });
    itemId = (await itemsOf(relayId))[0]!.id;
    stranger = await makeUser(db(), { name: '外人' });
  });

  it('anonymous callers are UNAUTHORIZED everywhere', async () => {
    const anon = caller(null);
    const cid = w.community.id;
    const m = { merchantId: w.merchant.id };
    const ref = { ...m, communityId: cid, relayId };
    const calls: Promise<unknown>[] = [
      anon.relay.catalog(m),
      anon.relay.listMine(m),
      anon.relay.getForMerchant(ref),
      anon.relay.open(ref),
      anon.relay.close(ref),
      anon.relay.cancel({ ...ref, reason: 'x' }),
      anon.relay.list({ communityId: cid }),
      anon.relay.get({ communityId: cid, relayId }),
      anon.relay.join({
        communityId: cid,
        relayId,
        householdId: H(0).id,
        lines: [{ relayItemId: itemId, qty: 1 }],
        idempotencyKey: newKey(),
      }),
      anon.relay.myOrders({ communityId: cid }),
      anon.relay.cancelOrder({ communityId: cid, orderId: relayId }),
      anon.relay.changeOrder({
        communityId: cid,
        orderId: relayId,
        lines: [{ relayItemId: itemId, qty: 1 }],
      }),
      anon.relay.orderForHouseholds({ communityId: cid }),
      anon.payment.get({ communityId: cid, orderId: relayId }),
      anon.payment.reconcile({ communityId: cid, orderId: relayId }),
      anon.payment.payWithTestCard({
        communityId: cid,
        orderId: relayId,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: newKey(),
      }),
    ];
    for (const c of calls) await expectRefusal(c, 'UNAUTHORIZED');
  });

  it('the wrong role is FORBIDDEN', async () => {
    const cid = w.community.id;
    const res = caller(resident(1));
    const m = { merchantId: w.merchant.id };
    // Residents are not a merchant's team.
    await expectRefusal(res.relay.catalog(m), 'FORBIDDEN', 'MERCHANT_ROLE_REQUIRED');
    await expectRefusal(
      res.relay.create({
        ...m,
        communityId: cid,
        title: 'x',
        items: [{ productId: w.products.rice, stockCap: null, perHouseholdLimit: null }],
        threshold: { kind: 'none', value: 0 },
        opensAt: w.clock.now,
        closesAt: new Date(w.clock.now.getTime() + 3_600_000),
        deliveryDate: '2026-12-31',
      }),
      'FORBIDDEN',
    );
    await expectRefusal(res.relay.open({ ...m, communityId: cid, relayId }), 'FORBIDDEN');
    // Residents do not order for other households.
    await expectRefusal(res.relay.orderForHouseholds({ communityId: cid }), 'FORBIDDEN');
    // Not a member of the compound at all.
    const s = caller(stranger);
    await expectRefusal(s.relay.list({ communityId: cid }), 'FORBIDDEN');
    await expectRefusal(s.relay.get({ communityId: cid, relayId }), 'FORBIDDEN');
    await expectRefusal(
      s.relay.join({
        communityId: cid,
        relayId,
        householdId: H(0).id,
        lines: [{ relayItemId: itemId, qty: 1 }],
        idempotencyKey: newKey(),
      }),
      'FORBIDDEN',
    );
    await expectRefusal(s.payment.get({ communityId: cid, orderId: relayId }), 'FORBIDDEN');
    // A merchant is not a resident of the compound.
    await expectRefusal(caller(w.merchant.owner).relay.myOrders({ communityId: cid }), 'FORBIDDEN');
  });

  it('another merchant’s relay is NOT_FOUND', async () => {
    const other = await makeMerchant(db(), { name: '别家超市' });
    const ref = { merchantId: other.id, communityId: w.community.id, relayId };
    const c = caller(other.owner);
    await expectRefusal(c.relay.getForMerchant(ref), 'NOT_FOUND', 'RELAY_NOT_FOUND');
    await expectRefusal(c.relay.open(ref), 'NOT_FOUND', 'RELAY_NOT_FOUND');
    await expectRefusal(c.relay.close(ref), 'NOT_FOUND', 'RELAY_NOT_FOUND');
    await expectRefusal(c.relay.cancel({ ...ref, reason: '抢单' }), 'NOT_FOUND', 'RELAY_NOT_FOUND');
    // Naming the real merchant does not help a non-member.
    await expectRefusal(
      c.relay.getForMerchant({ ...ref, merchantId: w.merchant.id }),
      'NOT_FOUND',
      'MERCHANT_NOT_FOUND',
    );
    // Someone else's order reads as not found on the pay page too.
    const j = await join(27, relayId, [{ item: itemId, qty: 1 }]);
    await expectRefusal(
      caller(resident(28)).payment.get({ communityId: w.community.id, orderId: j.order.orderId }),
      'NOT_FOUND',
      'ORDER_NOT_FOUND',
    );
  });
});

describe('the cancelled relay', () => {
  it('cancels every order, refunds the paid ones, and tells each household why', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
    const [eggs] = await itemsOf(relayId);
    const paid = await join(29, relayId, [{ item: eggs!.id, qty: 1 }]);
    await payOnStripe(paid.payment!.paymentIntentId);
    const unpaid = await join(30, relayId, [{ item: eggs!.id, qty: 1 }]);
    const m = w.merchant;
    const res = await caller(m.staff).relay.cancel({
      merchantId: m.id,
      communityId: w.community.id,
      relayId,
      reason: '车辆无法进入',
    });
    expect(res).toMatchObject({ status: 'cancelled', cancelledOrders: 2, refunds: 1 });
    expect((await orderRow(paid.order.orderId)).status).toBe('cancelled');
    expect((await orderRow(unpaid.order.orderId)).status).toBe('cancelled');
    const [rf] = await db().select().from(refunds).where(eq(refunds.orderId, paid.order.orderId));
    expect(rf).toMatchObject({
      idempotencyKey: `relay-cancelled:${paid.order.orderId}`,
      status: 'succeeded',
      amountFen: 4500,
    });
    expect(stripe.mock.paymentIntents().find((p) => p.id === unpaid.payment!.paymentIntentId)!.status).toBe(
      'canceled',
    );
    const notes = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from notifications where kind = 'relay.cancelled' and payload->>'relayId' = ${relayId}`,
    );
    expect(Number(notes[0]!.n)).toBeGreaterThanOrEqual(2);
  });
});
