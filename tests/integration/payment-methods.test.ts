/**
 * Paying on the pay page (issue 10) on a real database and the local Stripe mock, with webhooks
 * through the real route: each method from choice to paid (and to failed), switching method,
 * double choice → one intent, and the order's ledger balancing to the fen. Also issue 11 items 3
 * (authentic but unusable webhook payloads: never 500) and 4 (Stripe unreachable or forgetting an
 * intent: PAYMENT_PROVIDER_UNAVAILABLE, a replacement intent, the order still payable).
 */
import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setDatabase, type Database } from '@/db/client';
import { bags, merchants, orders, payments, refunds, relayItems, stripeEvents } from '@/db/schema';
import { useOrderSmsSender } from '@/server/messaging/order-sms';
import { POST as webhookRoute } from '@/app/api/stripe/webhook/route';
import { CLOSE_UNDO_SECONDS } from '@/server/services/relay/rules';
import { settleClosedRelays } from '@/server/services/relay/run-relay-schedule';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, makeUser } from '@/tests/helpers/fixtures';
import {
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

const ORIGIN = 'http://linli.example.test';

beforeAll(async () => {
  process.env.LINLI_ORIGIN = ORIGIN;
  database = await createTestDatabase();
  setDatabase(database);
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
  w = await makeRelayWorld(database, { buildings: 2 });
}, 120_000);

afterAll(async () => {
  delete process.env.LINLI_ORIGIN;
  setDatabase(undefined);
  await stripe?.close();
  await database?.close();
});

beforeEach(() => {
  stripe.mock.failRequests(0);
});

const H = (i: number) => w.community.households[i]!;
const resident = (i: number) => w.residents.get(H(i).id)!;
const caller = (u: SessionUser | null) => callerFor(database, u, () => w.clock.now);
const cid = () => w.community.id;

async function joined(i: number, qty = 1) {
  const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }] });
  const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  const j = await caller(resident(i)).relay.join({
    communityId: cid(),
    relayId,
    householdId: H(i).id,
    lines: [{ relayItemId: item!.id, qty }],
    idempotencyKey: newKey('pm'),
  });
  return { relayId, orderId: j.order.orderId, totalFen: j.order.totalFen };
}

async function orderStatus(orderId: string) {
  const [o] = await database.db.select().from(orders).where(eq(orders.id, orderId));
  return o!.status;
}

/** The order's ledger: money in by method, money back, and what stays with the merchant. */
async function ledger(orderId: string) {
  const pays = await database.db.select().from(payments).where(eq(payments.orderId, orderId));
  const back = await database.db.select().from(refunds).where(eq(refunds.orderId, orderId));
  const paid = pays.filter((p) => p.status === 'succeeded').reduce((s, p) => s + p.amountFen, 0);
  const refunded = back.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amountFen, 0);
  const byMethod: Record<string, number> = {};
  for (const p of pays.filter((x) => x.status === 'succeeded'))
    byMethod[p.method] = (byMethod[p.method] ?? 0) + p.amountFen;
  return { paid, refunded, kept: paid - refunded, byMethod, payments: pays };
}

/** What Stripe says it captured minus what it refunded for this order (the other side of the ledger). */
function stripeNet(orderId: string) {
  const intents = stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === orderId);
  const captured = intents.reduce((s, pi) => s + pi.amount_received, 0);
  const ids = new Set(intents.map((pi) => pi.id));
  const back = stripe.mock
    .refunds()
    .filter((r) => typeof r.payment_intent === 'string' && ids.has(r.payment_intent))
    .reduce((s, r) => s + r.amount, 0);
  return captured - back;
}

async function expectRefusal(p: Promise<unknown>, trpcCode: string, appCode?: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err as { code?: string; cause?: { code?: string } },
  );
  expect(e, `expected ${trpcCode}`).not.toBeNull();
  expect(e!.code).toBe(trpcCode);
  if (appCode) expect(e!.cause?.code).toBe(appCode);
}

describe('the join makes no PaymentIntent; the pay page lists the merchant’s methods', () => {
  it('no intent until a method is chosen; the page offers WeChat Pay, Alipay and card', async () => {
    const { orderId } = await joined(1);
    expect(stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === orderId)).toHaveLength(0);
    const page = await caller(resident(1)).payment.get({ communityId: cid(), orderId });
    expect(page.methods).toEqual(['wechat_pay', 'alipay', 'card']);
    expect(page.payment).toBeNull();
    expect(page.payable).toBe(true);
  });

  it('a method the merchant does not accept is refused', async () => {
    const { orderId } = await joined(2);
    await database.db
      .update(merchants)
      .set({ paymentMethods: ['wechat_pay'] })
      .where(eq(merchants.id, w.merchant.id));
    try {
      const page = await caller(resident(2)).payment.get({ communityId: cid(), orderId });
      expect(page.methods).toEqual(['wechat_pay']);
      await expectRefusal(
        caller(resident(2)).payment.choose({ communityId: cid(), orderId, method: 'alipay' }),
        'PRECONDITION_FAILED',
        'PAYMENT_METHOD_NOT_ACCEPTED',
      );
    } finally {
      await database.db
        .update(merchants)
        .set({ paymentMethods: ['wechat_pay', 'alipay', 'card'] })
        .where(eq(merchants.id, w.merchant.id));
    }
  });
});

describe('WeChat Pay', () => {
  it('shows the QR code, a double tap gives one intent, authorizing at the mock pays the order', async () => {
    const { orderId, totalFen } = await joined(3, 2);
    const c = caller(resident(3));
    const [a, b] = await Promise.all([
      c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' }),
      c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' }),
    ]);
    const again = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    expect(a.payment.paymentIntentId).toBe(b.payment.paymentIntentId);
    expect(again.payment.paymentIntentId).toBe(a.payment.paymentIntentId);
    const intents = stripe.mock.paymentIntents().filter((pi) => pi.metadata.order_id === orderId);
    expect(intents).toHaveLength(1);
    const pi = intents[0]!;
    expect(pi.amount).toBe(totalFen);
    expect(pi.payment_method_types).toEqual(['wechat_pay']);
    expect(pi.status).toBe('requires_action');
    // The shapes of the SDK's own type NextAction.WechatPayDisplayQrCode.
    const qr: Stripe.PaymentIntent.NextAction.WechatPayDisplayQrCode =
      pi.next_action!.wechat_pay_display_qr_code!;
    expect(qr.image_data_url).toMatch(/^data:image\//);
    expect(qr.hosted_instructions_url).toBe(stripe.mock.testModeUrl(pi.id));
    expect(a.action).toEqual({
      kind: 'wechat_qr',
      data: qr.data,
      imageDataUrl: qr.image_data_url,
      hostedUrl: qr.hosted_instructions_url,
    });
    expect(await orderStatus(orderId)).toBe('pending_payment');

    stripe.mock.authorize(pi.id);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    const l = await ledger(orderId);
    expect(l).toMatchObject({
      paid: totalFen,
      refunded: 0,
      kept: totalFen,
      byMethod: { wechat_pay: totalFen },
    });
    expect(l.payments[0]!.payerUserId).toBe(resident(3).id);
    expect(stripeNet(orderId)).toBe(l.kept);
  });

  it('a refused payment leaves the order payable; choosing again gives a fresh QR for the same intent', async () => {
    const { orderId, totalFen } = await joined(4);
    const c = caller(resident(4));
    const first = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    const piId = first.payment.paymentIntentId!;
    stripe.mock.fail(piId);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('pending_payment');
    const page = await c.payment.get({ communityId: cid(), orderId });
    expect(page.payment?.status).toBe('failed');
    expect(page.payable).toBe(true);
    const retry = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    expect(retry.payment.paymentIntentId).toBe(piId);
    expect(retry.action.kind).toBe('wechat_qr');
    stripe.mock.authorize(piId);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    expect((await ledger(orderId)).kept).toBe(totalFen);
  });
});

describe('Alipay', () => {
  it('redirects to Alipay with our own return URL; the return page reconciles', async () => {
    const { orderId, totalFen } = await joined(5);
    const c = caller(resident(5));
    const chosen = await c.payment.choose({ communityId: cid(), orderId, method: 'alipay' });
    const pi = stripe.mock.paymentIntents().find((x) => x.id === chosen.payment.paymentIntentId)!;
    const redirect: Stripe.PaymentIntent.NextAction.RedirectToUrl = pi.next_action!.redirect_to_url!;
    expect(chosen.action).toEqual({ kind: 'redirect', url: redirect.url });
    // return_url is built on the server from the app's configured origin.
    expect(redirect.return_url).toBe(`${ORIGIN}/pay/${orderId}?c=${cid()}&return=1`);
    // The webhook is lost: the return page asks Stripe.
    stripe.mock.pauseWebhooks(true);
    stripe.mock.authorize(pi.id);
    await stripe.mock.waitForWebhooks();
    stripe.mock.pauseWebhooks(false);
    expect(await orderStatus(orderId)).toBe('pending_payment');
    const r = await c.payment.reconcile({ communityId: cid(), orderId });
    expect(r.status).toBe('paid');
    expect(await ledger(orderId)).toMatchObject({ kept: totalFen, byMethod: { alipay: totalFen } });
  });

  it('a failed Alipay payment is recorded as failed and the order stays payable', async () => {
    const { orderId } = await joined(6);
    const chosen = await caller(resident(6)).payment.choose({
      communityId: cid(),
      orderId,
      method: 'alipay',
    });
    stripe.mock.fail(chosen.payment.paymentIntentId!);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('pending_payment');
    expect((await ledger(orderId)).payments.map((p) => p.status)).toEqual(['failed']);
  });
});

describe('card', () => {
  it('gives the Payment Element a client secret; paid when Stripe confirms, declined stays payable', async () => {
    const { orderId, totalFen } = await joined(7);
    const c = caller(resident(7));
    const chosen = await c.payment.choose({ communityId: cid(), orderId, method: 'card' });
    const piId = chosen.payment.paymentIntentId!;
    expect(chosen.action.kind).toBe('card');
    expect(chosen.action.kind === 'card' && chosen.action.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(chosen.returnUrl).toBe(`${ORIGIN}/pay/${orderId}?c=${cid()}&return=1`);
    // What Stripe.js does in the browser with the Payment Element:
    await stripe.client.paymentIntents
      .confirm(piId, { payment_method: 'pm_card_chargeDeclined', return_url: chosen.returnUrl })
      .catch(() => null);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('pending_payment');
    await stripe.client.paymentIntents.confirm(piId, {
      payment_method: 'pm_card_visa',
      return_url: chosen.returnUrl,
    });
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    expect(await ledger(orderId)).toMatchObject({ kept: totalFen, byMethod: { card: totalFen } });
  });
});

describe('switching method', () => {
  it('cancels the earlier intent at Stripe first; only the last one can pay', async () => {
    const { orderId, totalFen } = await joined(8);
    const c = caller(resident(8));
    const wechat = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    const alipay = await c.payment.choose({ communityId: cid(), orderId, method: 'alipay' });
    const back = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    const ids = [wechat, alipay, back].map((x) => x.payment.paymentIntentId!);
    expect(new Set(ids).size).toBe(3);
    const status = (id: string) => stripe.mock.paymentIntents().find((p) => p.id === id)!.status;
    expect(ids.map(status)).toEqual(['canceled', 'canceled', 'requires_action']);
    const rows = (await ledger(orderId)).payments;
    expect(rows.filter((p) => p.status !== 'canceled').map((p) => p.stripePaymentIntentId)).toEqual([ids[2]]);
    // The voided QR cannot be paid any more.
    expect(() => stripe.mock.authorize(ids[0]!)).toThrow(/not waiting/);
    stripe.mock.authorize(ids[2]!);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    expect(await ledger(orderId)).toMatchObject({ paid: totalFen, refunded: 0, kept: totalFen });
    expect(stripeNet(orderId)).toBe(totalFen);
  });
});

describe('who may choose', () => {
  it('anonymous, another household and a foreign id are refused', async () => {
    const { orderId } = await joined(9);
    await expectRefusal(
      caller(null).payment.choose({ communityId: cid(), orderId, method: 'card' }),
      'UNAUTHORIZED',
    );
    await expectRefusal(
      caller(resident(10)).payment.choose({ communityId: cid(), orderId, method: 'card' }),
      'NOT_FOUND',
      'ORDER_NOT_FOUND',
    );
    await expectRefusal(
      caller(resident(9)).payment.choose({
        communityId: cid(),
        orderId: '00000000-0000-4000-8000-000000000000',
        method: 'card',
      }),
      'NOT_FOUND',
    );
    await expectRefusal(
      caller(resident(9)).payment.choose({ communityId: cid(), orderId, method: 'bitcoin' as 'card' }),
      'BAD_REQUEST',
    );
  });
});

describe('Stripe unreachable or forgetting (issue 11 item 4)', () => {
  it('unreachable: PAYMENT_PROVIDER_UNAVAILABLE (503) with a retry hint, and the order stays payable', async () => {
    const { orderId } = await joined(11);
    stripe.mock.failRequests(100);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expectRefusal(
        caller(resident(11)).payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' }),
        'SERVICE_UNAVAILABLE',
        'PAYMENT_PROVIDER_UNAVAILABLE',
      );
    } finally {
      quiet.mockRestore();
      stripe.mock.failRequests(0);
    }
    expect((await caller(resident(11)).payment.get({ communityId: cid(), orderId })).payable).toBe(true);
    const ok = await caller(resident(11)).payment.choose({
      communityId: cid(),
      orderId,
      method: 'wechat_pay',
    });
    expect(ok.action.kind).toBe('wechat_qr');
  });

  it('"No such payment_intent" (the mock restarted): a new intent replaces it for the same order', async () => {
    const { orderId, totalFen } = await joined(12);
    const c = caller(resident(12));
    const first = await c.payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' });
    stripe.mock.reset(); // Stripe forgets every object
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const second = await c.payment
      .choose({ communityId: cid(), orderId, method: 'wechat_pay' })
      .finally(() => quiet.mockRestore());
    expect(second.payment.paymentIntentId).not.toBe(first.payment.paymentIntentId);
    expect(second.action.kind).toBe('wechat_qr');
    const rows = (await ledger(orderId)).payments;
    expect(rows.find((p) => p.stripePaymentIntentId === first.payment.paymentIntentId)!.status).toBe(
      'canceled',
    );
    // The return page copes too: reconciling an order whose old intent is gone is not an error.
    const r = await c.payment.reconcile({ communityId: cid(), orderId });
    expect(r.status).toBe('pending_payment');
    stripe.mock.authorize(second.payment.paymentIntentId!);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    expect((await ledger(orderId)).kept).toBe(totalFen);
  });
});

describe('webhook payloads that are authentic but unusable (issue 11 item 3)', () => {
  const send = (payload: string, sign = true) =>
    webhookRoute(
      new Request('http://linli.test/api/stripe/webhook', {
        method: 'POST',
        body: payload,
        headers: {
          'stripe-signature': sign
            ? stripe.client.webhooks.generateTestHeaderString({ payload, secret: stripe.webhookSecret })
            : 't=1,v1=00',
        },
      }),
    );
  const event = (id: string, type: string, object: unknown) =>
    JSON.stringify({ id, object: 'event', type, api_version: Stripe.API_VERSION, data: { object } });

  it('data.object null, or metadata naming no compound by UUID: recorded and answered 2xx', async () => {
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const cases = [
        event('evt_null_object', 'payment_intent.succeeded', null),
        event('evt_bad_community', 'payment_intent.succeeded', {
          id: 'pi_x',
          object: 'payment_intent',
          status: 'succeeded',
          amount: 100,
          metadata: { community_id: 'not-a-uuid', order_id: 'x' },
        }),
        event('evt_bad_refund', 'charge.refunded', { id: 'ch_x', object: 'charge', payment_intent: 42 }),
        event('evt_no_metadata', 'payment_intent.payment_failed', {
          id: 'pi_y',
          status: 'requires_payment_method',
          amount: 1,
        }),
      ];
      for (const body of cases) {
        const res = await send(body);
        expect(res.status, body).toBe(200);
      }
      const rows = await database.db.select().from(stripeEvents);
      const ids = rows.map((r) => r.id);
      for (const id of ['evt_null_object', 'evt_bad_community', 'evt_bad_refund', 'evt_no_metadata'])
        expect(ids).toContain(id);
      expect(rows.find((r) => r.id === 'evt_bad_community')!.communityId).toBeNull();
      // Delivered again: still 2xx, still one row.
      expect((await send(cases[0]!)).status).toBe(200);
      expect(
        await database.db
          .select()
          .from(stripeEvents)
          .where(and(eq(stripeEvents.id, 'evt_null_object'))),
      ).toHaveLength(1);
    } finally {
      quiet.mockRestore();
    }
  });

  it('a signed body that is not an event answers 400; a bad signature 400; nothing is recorded', async () => {
    const before = (await database.db.select().from(stripeEvents)).length;
    expect((await send('this is not json')).status).toBe(400);
    expect((await send(JSON.stringify({ hello: 'world' }))).status).toBe(400);
    expect((await send(JSON.stringify([1, 2]))).status).toBe(400);
    expect((await send(event('evt_unsigned', 'payment_intent.succeeded', null), false)).status).toBe(400);
    expect((await database.db.select().from(stripeEvents)).length).toBe(before);
  });
});

// ─── 代付, cash on delivery, SMS to a phone-less household's contact (issue 10 items 4, 5, 7) ───

const sms: { phone: string; template: string; params: Record<string, string> }[] = [];
beforeAll(() => {
  useOrderSmsSender({
    name: 'capture',
    sendTemplate: async (phone, template, params) => {
      sms.push({ phone, template, params });
    },
  });
});
afterAll(() => useOrderSmsSender(null));

const volunteer = () => w.roles.volunteer;
const coordinator = () => w.roles.admin;

/** A 代下单 by the stairwell volunteer for household i (a care household without a smartphone). */
async function placedOnBehalf(i: number, opts: { cash?: boolean; qty?: number } = {}) {
  await markCareHousehold(w, H(i).id);
  const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }], cashOnDelivery: opts.cash });
  const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
  const j = await caller(volunteer()).relay.join({
    communityId: cid(),
    relayId,
    householdId: H(i).id,
    lines: [{ relayItemId: item!.id, qty: opts.qty ?? 1 }],
    idempotencyKey: newKey('ob'),
  });
  return { relayId, orderId: j.order.orderId, totalFen: j.order.totalFen, holdUntil: j.order.holdUntil };
}

async function paymentRows(orderId: string) {
  return database.db.select().from(payments).where(eq(payments.orderId, orderId));
}

describe('代付: paying for someone else', () => {
  it('a volunteer finds the 代下单 under 我代下的单 (unpaid first, 2-hour hold), pays it by WeChat Pay; the payer is recorded and shown to the coordinator', async () => {
    const { orderId, totalFen, holdUntil } = await placedOnBehalf(1);
    // The care hold: two hours from the join, not the usual 15 minutes.
    expect(holdUntil!.getTime() - w.clock.now.getTime()).toBe(120 * 60_000);
    const [o] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(o!.holdUntil!.getTime()).toBe(holdUntil!.getTime());

    // Its registered contact (the household's resident with a phone) got one text about it.
    const placed = sms.filter((m) => m.template === 'TPL_PLACED' && m.phone === resident(1).phone);
    expect(placed).toHaveLength(1);

    // 我代下的单: this order, payable, with its pay page; a paid one of another household comes after.
    const list = await caller(volunteer()).relay.onBehalfOrders({ communityId: cid() });
    expect(list[0]).toMatchObject({ orderId, payable: true, payHref: `/pay/${orderId}?c=${cid()}` });
    expect(list.every((x) => x.placedByMe && x.onBehalf)).toBe(true);
    // The "请尽快付款" notification leads to the pay page.
    const notes = await caller(volunteer()).me.notifications({ limit: 20 });
    const n = notes.items.find((x) => x.kind === 'order.placed' && x.payload.orderId === orderId);
    expect(n?.payload.href).toBe(`/pay/${orderId}?c=${cid()}`);

    // A stranger (another stairwell's resident) and a neighbour on the same stairwell cannot see or pay it.
    for (const stranger of [resident(5), resident(2)]) {
      await expectRefusal(
        caller(stranger).payment.get({ communityId: cid(), orderId }),
        'NOT_FOUND',
        'ORDER_NOT_FOUND',
      );
      await expectRefusal(
        caller(stranger).payment.choose({ communityId: cid(), orderId, method: 'wechat_pay' }),
        'NOT_FOUND',
        'ORDER_NOT_FOUND',
      );
    }
    // Residents are not volunteers: no 我代下的单 for them; nobody signed out either.
    await expectRefusal(caller(null).relay.onBehalfOrders({ communityId: cid() }), 'UNAUTHORIZED');
    await expectRefusal(caller(resident(5)).relay.onBehalfOrders({ communityId: cid() }), 'FORBIDDEN');

    const chosen = await caller(volunteer()).payment.choose({
      communityId: cid(),
      orderId,
      method: 'wechat_pay',
    });
    expect(chosen.action.kind).toBe('wechat_qr');
    stripe.mock.authorize(chosen.payment.paymentIntentId!);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');

    const [pay] = (await paymentRows(orderId)).filter((p) => p.status === 'succeeded');
    expect(pay!.payerUserId).toBe(volunteer().id);
    const seen = await caller(coordinator()).payment.get({ communityId: cid(), orderId });
    expect(seen.payer).toMatchObject({ ofHousehold: false });
    expect(seen.payer!.name.startsWith(volunteer().name.slice(0, 1))).toBe(true);

    const after = await caller(volunteer()).relay.onBehalfOrders({ communityId: cid() });
    expect(after.find((x) => x.orderId === orderId)).toMatchObject({ payable: false, status: 'paid' });
    const l = await ledger(orderId);
    expect(l).toMatchObject({
      paid: totalFen,
      refunded: 0,
      kept: totalFen,
      byMethod: { wechat_pay: totalFen },
    });
    expect(stripeNet(orderId)).toBe(l.kept);
  });

  it('a family member registered on the household pays by Alipay; someone not registered is refused', async () => {
    const daughter = await makeUser(database.db, { name: '周女儿' });
    await addMember(database.db, cid(), daughter, 'resident', H(2).id);
    const { orderId, totalFen } = await placedOnBehalf(2);
    const outsider = await makeUser(database.db, { name: '路人甲' });
    await addMember(database.db, cid(), outsider, 'resident', H(6).id);
    await expectRefusal(
      caller(outsider).payment.choose({ communityId: cid(), orderId, method: 'alipay' }),
      'NOT_FOUND',
      'ORDER_NOT_FOUND',
    );

    const page = await caller(daughter).payment.get({ communityId: cid(), orderId });
    expect(page.payable).toBe(true);
    expect(page.methods).not.toContain('cash'); // the relay does not take cash
    const chosen = await caller(daughter).payment.choose({ communityId: cid(), orderId, method: 'alipay' });
    expect(chosen.action).toMatchObject({ kind: 'redirect' });
    stripe.mock.authorize(chosen.payment.paymentIntentId!);
    await stripe.mock.waitForWebhooks();
    expect(await orderStatus(orderId)).toBe('paid');
    const [pay] = (await paymentRows(orderId)).filter((p) => p.status === 'succeeded');
    expect(pay!.payerUserId).toBe(daughter.id);
    const seen = await caller(coordinator()).payment.get({ communityId: cid(), orderId });
    expect(seen.payer).toMatchObject({ ofHousehold: true });

    const l0 = await ledger(orderId);
    expect(l0).toMatchObject({ paid: totalFen, kept: totalFen, byMethod: { alipay: totalFen } });
    expect(stripeNet(orderId)).toBe(totalFen);
  });
});

describe('cash on delivery (货到付款)', () => {
  async function toCheckoff(relayId: string) {
    await caller(w.merchant.owner).relay.close({ merchantId: w.merchant.id, communityId: cid(), relayId });
    // 提前截单 is decided once its undo window has passed.
    w.clock.now = new Date(w.clock.now.getTime() + (CLOSE_UNDO_SECONDS + 1) * 1000);
    await settleClosedRelays(database, w.clock.now);
    const { deliveryId } = await caller(w.merchant.owner).distribution.dispatch({
      merchantId: w.merchant.id,
      communityId: cid(),
      relayIds: [relayId],
      eta: new Date(w.clock.now.getTime() + 60 * 60_000),
      vehiclePlate: '沪A·12345',
      driverName: '李师傅',
      driverPhone: '13900000099',
    });
    const arrival = await caller(volunteer()).distribution.recordArrival({
      communityId: cid(),
      deliveryId,
      packageCount: 3,
    });
    await caller(volunteer()).distribution.recordDisinfection({
      communityId: cid(),
      batchId: arrival.batchId,
      agent: '含氯消毒剂',
      concentration: '500 mg/L',
      method: 'spray',
    });
    w.clock.now = new Date(w.clock.now.getTime() + 31 * 60_000);
    await caller(volunteer()).distribution.release({ communityId: cid(), batchId: arrival.batchId });
  }
  const bagOf = async (orderId: string) =>
    (await database.db.select().from(bags).where(eq(bags.orderId, orderId)))[0]!;
  const checkOff = (orderId: string, bagId: string, cashCollectedFen?: number) =>
    caller(volunteer()).distribution.checkOff({
      communityId: cid(),
      checkoffId: crypto.randomUUID(),
      bagId,
      outcome: 'delivered',
      clientAt: w.clock.now,
      cashCollectedFen,
    });

  it('only for a phone-less care household on a relay that takes cash; it commits the order toward 成团', async () => {
    // A household with a smartphone: refused, even on a cash relay.
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs' }], cashOnDelivery: true });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const j = await caller(resident(7)).relay.join({
      communityId: cid(),
      relayId,
      householdId: H(7).id,
      lines: [{ relayItemId: item!.id, qty: 1 }],
      idempotencyKey: newKey('c'),
    });
    expect(
      (await caller(resident(7)).payment.get({ communityId: cid(), orderId: j.order.orderId })).methods,
    ).not.toContain('cash');
    await expectRefusal(
      caller(resident(7)).payment.choose({ communityId: cid(), orderId: j.order.orderId, method: 'cash' }),
      'PRECONDITION_FAILED',
      'CASH_NOT_ALLOWED',
    );
    // A relay that does not take cash.
    const plain = await placedOnBehalf(3);
    await expectRefusal(
      caller(volunteer()).payment.choose({ communityId: cid(), orderId: plain.orderId, method: 'cash' }),
      'PRECONDITION_FAILED',
      'PAYMENT_METHOD_NOT_ACCEPTED',
    );
  });

  it('collected at check-off (amount, by whom), totalled per volunteer, refunded as cash; a mismatch is an exception; the ledger balances to the fen', async () => {
    await markCareHousehold(w, H(3).id);
    await markCareHousehold(w, H(1).id);
    const relayId = await openTestRelay(w, {
      items: [{ product: 'veg' }],
      cashOnDelivery: true,
      threshold: { kind: 'households', value: 2 },
    });
    const [item] = await database.db.select().from(relayItems).where(eq(relayItems.relayId, relayId));
    const join = async (i: number, qty: number) =>
      (
        await caller(volunteer()).relay.join({
          communityId: cid(),
          relayId,
          householdId: H(i).id,
          lines: [{ relayItemId: item!.id, qty }],
          idempotencyKey: newKey('cod'),
        })
      ).order;
    const a = await join(3, 2);
    const b = await join(1, 1);
    const page = await caller(volunteer()).payment.get({ communityId: cid(), orderId: a.orderId });
    expect(page.methods).toContain('cash');

    const first = await caller(volunteer()).payment.choose({
      communityId: cid(),
      orderId: a.orderId,
      method: 'cash',
    });
    const again = await caller(volunteer()).payment.choose({
      communityId: cid(),
      orderId: a.orderId,
      method: 'cash',
    });
    expect(first.action).toEqual({ kind: 'cash', dueFen: a.totalFen });
    expect(again.payment.paymentId).toBe(first.payment.paymentId); // a double tap: one cash payment
    expect(await orderStatus(a.orderId)).toBe('paid');
    expect((await paymentRows(a.orderId)).map((p) => [p.method, p.status, p.stripePaymentIntentId])).toEqual([
      ['cash', 'processing', null],
    ]);
    // b first showed a QR (an intent at Stripe), then the volunteer switched to cash: the intent is cancelled.
    const qr = await caller(volunteer()).payment.choose({
      communityId: cid(),
      orderId: b.orderId,
      method: 'wechat_pay',
    });
    await caller(volunteer()).payment.choose({ communityId: cid(), orderId: b.orderId, method: 'cash' });
    expect(stripe.mock.paymentIntents().find((pi) => pi.id === qr.payment.paymentIntentId)?.status).toBe(
      'canceled',
    );

    // Both count toward 成团 (threshold 2 households): closing forms the relay.
    await toCheckoff(relayId);
    const { relays: relaysTable } = await import('@/db/schema');
    const [r] = await database.db.select().from(relaysTable).where(eq(relaysTable.id, relayId));
    expect(['arrived', 'distributing']).toContain(r!.status);

    // The coordinator's pick list shows who paid (代付) and that the bag is cash; the merchant's does not name the payer.
    const coordList = await caller(coordinator()).picklist.relay({ relayId, communityId: cid() });
    const coordBag = coordList.bags.find((x) => x.orderId === a.orderId)!;
    expect(coordBag).toMatchObject({ cashOnDelivery: true, paidBy: volunteer().name });
    const merchList = await caller(w.merchant.owner).picklist.relay({ relayId, merchantId: w.merchant.id });
    expect(merchList.bags.find((x) => x.orderId === a.orderId)?.paidBy).toBeNull();

    // The check-off list says what to collect; checking off without the amount is refused.
    const list = await caller(volunteer()).distribution.checkoffBags({
      communityId: cid(),
      stairwellId: H(3).stairwellId,
    });
    expect(list.bags.find((x) => x.orderId === a.orderId)?.cashToCollect).toBe(a.totalFen);
    const bagA = await bagOf(a.orderId);
    await expectRefusal(checkOff(a.orderId, bagA.id), 'BAD_REQUEST', 'CASH_AMOUNT_REQUIRED');
    const done = await checkOff(a.orderId, bagA.id, a.totalFen);
    expect(done).toMatchObject({ status: 'delivered', cash: { matched: true, dueFen: a.totalFen } });
    const [payA] = await paymentRows(a.orderId);
    expect(payA).toMatchObject({
      status: 'succeeded',
      collectedBy: volunteer().id,
      cashCollectedFen: a.totalFen,
    });
    expect(sms.filter((m) => m.template === 'TPL_DELIVERED' && m.phone === resident(3).phone)).toHaveLength(
      1,
    );

    // b: the volunteer got 1 yuan less: recorded, and the bag is an exception.
    const bagB = await bagOf(b.orderId);
    const short = await checkOff(b.orderId, bagB.id, b.totalFen - 100);
    expect(short).toMatchObject({ status: 'exception', cash: { matched: false } });
    expect((await bagOf(b.orderId)).exceptionKind).toBe('cash_mismatch');

    // The merchant's delivery page: cash held per volunteer.
    const delivery = await caller(w.merchant.owner).distribution.relayDelivery({
      merchantId: w.merchant.id,
      communityId: cid(),
      relayId,
    });
    expect(delivery.cash.volunteers).toEqual([
      expect.objectContaining({
        volunteerUserId: volunteer().id,
        bags: 2,
        collectedFen: a.totalFen + b.totalFen - 100,
        heldFen: a.totalFen + b.totalFen - 100,
      }),
    ]);

    // The mismatched bag is refunded whole by the merchant: handed back in cash by the collector.
    await caller(w.merchant.owner).distribution.refundBag({
      merchantId: w.merchant.id,
      communityId: cid(),
      relayId,
      bagId: bagB.id,
    });
    const backB = await database.db.select().from(refunds).where(eq(refunds.orderId, b.orderId));
    expect(backB).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        stripeRefundId: null,
        cashReturnedBy: volunteer().id,
        amountFen: b.totalFen,
      }),
    ]);
    expect(stripe.mock.refunds().filter((x) => x.metadata?.order_id === b.orderId)).toHaveLength(0);
    expect(sms.filter((m) => m.template === 'TPL_REFUNDED' && m.phone === resident(1).phone)).toHaveLength(1);

    // Ledger of a: paid in cash to the fen, nothing refunded, all of it held by the volunteer.
    const la = await ledger(a.orderId);
    expect(la).toMatchObject({
      paid: a.totalFen,
      refunded: 0,
      kept: a.totalFen,
      byMethod: { cash: a.totalFen },
    });
    expect(stripeNet(a.orderId)).toBe(0);
    const after = await caller(w.merchant.owner).distribution.relayDelivery({
      merchantId: w.merchant.id,
      communityId: cid(),
      relayId,
    });
    const held = after.cash.volunteers[0]!;
    expect(held.returnedFen).toBe(b.totalFen);
    expect(held.heldFen).toBe(a.totalFen + b.totalFen - 100 - b.totalFen);
    // Everything collected = what the ledgers kept + what was handed back − the 1 yuan never received.
    const lb = await ledger(b.orderId);
    expect(la.kept + lb.kept + held.returnedFen).toBe(held.collectedFen + 100);
    expect(after.cash.toCollect).toEqual({ orders: 0, dueFen: 0 });
  });
});
