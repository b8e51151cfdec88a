/**
 * The local Stripe mock, driven through the official SDK exactly as the app drives Stripe:
 * if these pass, app code that works here speaks real Stripe's protocol (format, errors,
 * idempotency, webhook signatures).
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient, getStripe, webhookSecret } from '@/server/payments/stripe';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let t: TestStripe;
let stripe: Stripe;
const received: { payload: string; signature: string }[] = [];

beforeAll(async () => {
  t = await startTestStripe({
    onEvent: (payload, signature) => {
      received.push({ payload, signature });
    },
  });
  stripe = getStripe();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await t.mock.waitForWebhooks();
  received.length = 0;
});

const ORDER = {
  amount: 2350,
  currency: 'cny',
  metadata: { order_id: 'ord_1', community_id: 'c_1' },
} as const;
const NO_REDIRECTS = { enabled: true, allow_redirects: 'never' } as const;

async function expectStripeError<E extends new (...args: never[]) => Error>(
  p: Promise<unknown>,
  cls: E,
): Promise<InstanceType<E>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(cls);
  return err as InstanceType<E>;
}

describe('payment intents', () => {
  it('creates a PaymentIntent in fen with Stripe-shaped ids and the metadata it was given', async () => {
    const pi = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    expect(pi.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
    expect(pi.object).toBe('payment_intent');
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_[A-Za-z0-9]+$`));
    expect(pi.amount).toBe(2350);
    expect(pi.currency).toBe('cny');
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.metadata).toEqual({ order_id: 'ord_1', community_id: 'c_1' });
    expect(pi.latest_charge).toBeNull();
    expect(pi.lastResponse.headers['request-id']).toMatch(/^req_/);
  });

  it('confirms with pm_card_visa: succeeded, a succeeded charge, amount received', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const pi = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(2350);
    expect(pi.payment_method).toMatch(/^pm_/);
    expect(pi.latest_charge).toMatch(/^ch_/);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({
      status: 'succeeded',
      paid: true,
      captured: true,
      amount: 2350,
      amount_refunded: 0,
      payment_intent: pi.id,
    });
    const again = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect((again.latest_charge as Stripe.Charge).id).toBe(charge.id);
  });

  it('creates and confirms in one call with confirm: true', async () => {
    const pi = await stripe.paymentIntents.create({
      ...ORDER,
      payment_method: 'pm_card_visa',
      confirm: true,
      return_url: 'http://localhost/pay/return',
    });
    expect(pi.status).toBe('succeeded');
  });

  it('a declined card raises StripeCardError card_declined and leaves the intent payable again', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const err = await expectStripeError(
      stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclined' }),
      Stripe.errors.StripeCardError,
    );
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe('card_declined');
    expect(err.decline_code).toBe('generic_decline');
    expect(err.message).toBe('Your card was declined.');
    expect(err.payment_intent?.id).toBe(created.id);
    expect(err.payment_intent?.status).toBe('requires_payment_method');
    const after = await stripe.paymentIntents.retrieve(created.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    const charge = await stripe.charges.retrieve(after.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined' });
    // The resident tries another card on the same intent.
    const paid = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(paid.status).toBe('succeeded');
    expect(paid.last_payment_error).toBeNull();
  });

  it('refuses a server-side confirm that might need a redirect without return_url (as Stripe does)', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER });
    expect(created.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: 'always' });
    const err = await expectStripeError(
      stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.param).toBe('return_url');
    const ok = await stripe.paymentIntents.confirm(created.id, {
      payment_method: 'pm_card_visa',
      return_url: 'http://localhost/pay/return',
    });
    expect(ok.status).toBe('succeeded');
  });

  it('cancels an unpaid intent, and refuses to cancel a paid one', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const canceled = await stripe.paymentIntents.cancel(created.id, { cancellation_reason: 'abandoned' });
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_reason).toBe('abandoned');
    expect(typeof canceled.canceled_at).toBe('number');
    const err = await expectStripeError(
      stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.code).toBe('payment_intent_unexpected_state');

    const paid = await stripe.paymentIntents.create({
      ...ORDER,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: NO_REDIRECTS,
    });
    const err2 = await expectStripeError(
      stripe.paymentIntents.cancel(paid.id),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err2.code).toBe('payment_intent_unexpected_state');
  });

  it('an unknown id is resource_missing (404)', async () => {
    const err = await expectStripeError(
      stripe.paymentIntents.retrieve('pi_doesnotexist'),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
  });

  it('refuses bad input with the parameter named: amount 0, fractional amount, unknown parameter', async () => {
    const zero = await expectStripeError(
      stripe.paymentIntents.create({ ...ORDER, amount: 0 }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(zero.param).toBe('amount');
    const frac = await expectStripeError(
      stripe.paymentIntents.create({ ...ORDER, amount: 12.5 }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(frac.param).toBe('amount');
    const unknown = await expectStripeError(
      stripe.paymentIntents.create({ ...ORDER, ...({ amout: 1 } as object) }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(unknown.code).toBe('parameter_unknown');
    expect(unknown.param).toBe('amout');
    expect(t.mock.paymentIntents().every((pi) => pi.amount === 2350)).toBe(true);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and parameters, creating nothing new', async () => {
    const before = t.mock.paymentIntents().length;
    const key = `order-${Math.random()}`;
    const first = await stripe.paymentIntents.create(
      { ...ORDER, automatic_payment_methods: NO_REDIRECTS },
      { idempotencyKey: key },
    );
    const second = await stripe.paymentIntents.create(
      { ...ORDER, automatic_payment_methods: NO_REDIRECTS },
      { idempotencyKey: key },
    );
    expect(second.id).toBe(first.id);
    expect(second.client_secret).toBe(first.client_secret);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(t.mock.paymentIntents().length).toBe(before + 1);
  });

  it('ten concurrent requests with one key create one PaymentIntent', async () => {
    const before = t.mock.paymentIntents().length;
    const key = `burst-${Math.random()}`;
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        stripe.paymentIntents.create(
          { ...ORDER, automatic_payment_methods: NO_REDIRECTS },
          { idempotencyKey: key },
        ),
      ),
    );
    expect(new Set(all.map((p) => p.id)).size).toBe(1);
    expect(t.mock.paymentIntents().length).toBe(before + 1);
  });

  it('the same key with different parameters is a StripeIdempotencyError', async () => {
    const key = `order-${Math.random()}`;
    await stripe.paymentIntents.create(
      { ...ORDER, automatic_payment_methods: NO_REDIRECTS },
      { idempotencyKey: key },
    );
    const err = await expectStripeError(
      stripe.paymentIntents.create(
        { ...ORDER, amount: 9999, automatic_payment_methods: NO_REDIRECTS },
        { idempotencyKey: key },
      ),
      Stripe.errors.StripeIdempotencyError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('StripeIdempotencyError');
  });

  it('a declined confirm is replayed as the same decline, not charged twice', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const key = `confirm-${Math.random()}`;
    const chargesBefore = t.mock.charges().length;
    const e1 = await expectStripeError(
      stripe.paymentIntents.confirm(
        created.id,
        { payment_method: 'pm_card_chargeDeclined' },
        { idempotencyKey: key },
      ),
      Stripe.errors.StripeCardError,
    );
    const e2 = await expectStripeError(
      stripe.paymentIntents.confirm(
        created.id,
        { payment_method: 'pm_card_chargeDeclined' },
        { idempotencyKey: key },
      ),
      Stripe.errors.StripeCardError,
    );
    expect(e2.charge).toBe(e1.charge);
    expect(e2.headers?.['idempotent-replayed']).toBe('true');
    expect(t.mock.charges().length).toBe(chargesBefore + 1);
  });
});

describe('refunds', () => {
  async function paid(amount = 5000) {
    return stripe.paymentIntents.create({
      amount,
      currency: 'cny',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: NO_REDIRECTS,
    });
  }

  it('refunds partially, then the rest, then refuses: charge_already_refunded', async () => {
    const pi = await paid(5000);
    const r1 = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 2000,
      reason: 'requested_by_customer',
    });
    expect(r1).toMatchObject({
      object: 'refund',
      amount: 2000,
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
    });
    expect(r1.id).toMatch(/^re_/);
    let charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(2000);
    expect(charge.refunded).toBe(false);

    const r2 = await stripe.refunds.create({ payment_intent: pi.id });
    expect(r2.amount).toBe(3000);
    charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(5000);
    expect(charge.refunded).toBe(true);

    const err = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id, amount: 1 }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.code).toBe('charge_already_refunded');
    expect(await stripe.refunds.retrieve(r1.id)).toMatchObject({ id: r1.id, amount: 2000 });
  });

  it('refuses a refund larger than what is left, and changes nothing', async () => {
    const pi = await paid(5000);
    await stripe.refunds.create({ payment_intent: pi.id, amount: 4000 });
    const err = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id, amount: 1001 }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.code).toBe('amount_too_large');
    expect(err.param).toBe('amount');
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(4000);
    expect(t.mock.refunds().filter((r) => r.payment_intent === pi.id)).toHaveLength(1);
  });

  it('refuses to refund an intent that was never paid', async () => {
    const pi = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const err = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.param).toBe('payment_intent');
  });

  it('a retried refund with the same idempotency key refunds once', async () => {
    const pi = await paid(5000);
    const key = `refund-${pi.id}`;
    const a = await stripe.refunds.create({ payment_intent: pi.id }, { idempotencyKey: key });
    const b = await stripe.refunds.create({ payment_intent: pi.id }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(t.mock.refunds().filter((r) => r.payment_intent === pi.id)).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('delivers payment_intent.succeeded signed so that constructEvent verifies it', async () => {
    const pi = await stripe.paymentIntents.create({
      ...ORDER,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: NO_REDIRECTS,
    });
    await t.mock.waitForWebhooks();
    const events = received.map((r) =>
      stripe.webhooks.constructEvent(r.payload, r.signature, webhookSecret()),
    );
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded');
    expect(succeeded?.id).toMatch(/^evt_/);
    expect(succeeded?.data.object).toMatchObject({ id: pi.id, status: 'succeeded', amount: 2350 });
  });

  it('a tampered payload or a wrong secret fails verification', async () => {
    await stripe.paymentIntents.create({
      ...ORDER,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: NO_REDIRECTS,
    });
    await t.mock.waitForWebhooks();
    const r = received[0];
    if (!r) throw new Error('no webhook received');
    const tampered = r.payload.replace('"amount": 2350', '"amount": 1');
    expect(tampered).not.toBe(r.payload);
    expect(() => stripe.webhooks.constructEvent(tampered, r.signature, webhookSecret())).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => stripe.webhooks.constructEvent(r.payload, r.signature, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('sends payment_failed for a decline and charge.refunded for a refund', async () => {
    const failed = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    await stripe.paymentIntents
      .confirm(failed.id, { payment_method: 'pm_card_chargeDeclined' })
      .catch(() => undefined);
    const pi = await stripe.paymentIntents.create({
      ...ORDER,
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: NO_REDIRECTS,
    });
    await stripe.refunds.create({ payment_intent: pi.id, amount: 350 });
    await t.mock.waitForWebhooks();
    const events = received.map((r) =>
      stripe.webhooks.constructEvent(r.payload, r.signature, webhookSecret()),
    );
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.payment_failed',
      'payment_intent.succeeded',
      'refund.created',
      'charge.refunded',
    ]);
    const refunded = events[3] as Stripe.ChargeRefundedEvent;
    expect(refunded.data.object.amount_refunded).toBe(350);
    expect(refunded.data.previous_attributes?.amount_refunded).toBe(0);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it('paused webhooks are lost; redeliver sends the same event id again', async () => {
    t.mock.pauseWebhooks(true);
    try {
      const pi = await stripe.paymentIntents.create({
        ...ORDER,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: NO_REDIRECTS,
      });
      await t.mock.waitForWebhooks();
      expect(received).toHaveLength(0);
      const event = t.mock.events.find(
        (e) => e.type === 'payment_intent.succeeded' && e.data.object.id === pi.id,
      );
      expect(event).toBeDefined();
      const delivery = await t.mock.redeliver(event!.id);
      expect(delivery.outcome).toBe('delivered');
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.payload)).toMatchObject({ id: event!.id });
    } finally {
      t.mock.pauseWebhooks(false);
    }
  });

  it('retries a failed delivery a bounded number of times', async () => {
    let calls = 0;
    t.mock.setWebhookHandler(() => {
      calls++;
      if (calls < 3) throw new Error('app restarting');
    });
    try {
      await stripe.paymentIntents.create({
        ...ORDER,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: NO_REDIRECTS,
        metadata: { k: 'retry' },
      });
      await t.mock.waitForWebhooks();
      expect(calls).toBe(3);
      expect(t.mock.deliveries().at(-1)).toMatchObject({ outcome: 'delivered', attempts: 3 });

      calls = -100; // never succeeds
      await stripe.paymentIntents.create({
        ...ORDER,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: NO_REDIRECTS,
      });
      await t.mock.waitForWebhooks();
      expect(t.mock.deliveries().at(-1)).toMatchObject({ outcome: 'failed', attempts: 4 });
    } finally {
      t.mock.setWebhookHandler((payload, signature) => {
        received.push({ payload, signature });
      });
    }
  });
});

describe('authentication and routing', () => {
  it('a bad API key is StripeAuthenticationError; a missing one too', async () => {
    const bad = createStripeClient(t.mock.url, 'sk_test_not_the_right_key!');
    await expectStripeError(bad.paymentIntents.create({ ...ORDER }), Stripe.errors.StripeAuthenticationError);
    const live = createStripeClient(t.mock.url, 'sk_live_abcdefghijklmnop');
    const err = await expectStripeError(
      live.paymentIntents.retrieve('pi_x'),
      Stripe.errors.StripeAuthenticationError,
    );
    expect(err.statusCode).toBe(401);
    const res = await fetch(`${t.mock.url}/v1/payment_intents/pi_x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('an unknown route answers Stripe 404 invalid_request_error', async () => {
    const res = await fetch(`${t.mock.url}/v1/customers`, {
      headers: { authorization: `Bearer ${t.secretKey}` },
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/customers)');
  });

  it('parses form-encoded bracket notation sent by hand (curl-style)', async () => {
    const res = await fetch(`${t.mock.url}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        'stripe-version': '2024-06-20',
      },
      body: 'amount=100&currency=CNY&metadata[order_id]=a%20b&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never&expand[]=latest_charge',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('stripe-version')).toBe('2024-06-20');
    const pi = (await res.json()) as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      amount: 100,
      currency: 'cny',
      metadata: { order_id: 'a b' },
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
  });
});

describe('webhook retries do not hold back other events', () => {
  it('while one event keeps failing, the next one is delivered; the failed one arrives on retry', async () => {
    const seen: string[] = [];
    t.mock.setWebhookHandler((payload) => {
      const event = JSON.parse(payload) as Stripe.Event;
      seen.push(event.type);
      // The endpoint chokes on refund.created until it has seen charge.refunded.
      if (event.type === 'refund.created' && !seen.includes('charge.refunded')) throw new Error('busy');
    });
    try {
      const pi = await stripe.paymentIntents.create({
        ...ORDER,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: NO_REDIRECTS,
      });
      await t.mock.waitForWebhooks();
      seen.length = 0;
      const refund = await stripe.refunds.create({ payment_intent: pi.id });
      await t.mock.waitForWebhooks();
      expect(seen).toEqual(['refund.created', 'charge.refunded', 'refund.created']);
      const log = t.mock.deliveries().slice(-2);
      expect(log).toEqual([
        expect.objectContaining({ type: 'charge.refunded', outcome: 'delivered', attempts: 1 }),
        expect.objectContaining({ type: 'refund.created', outcome: 'delivered', attempts: 2 }),
      ]);
      expect(t.mock.events.find((e) => e.id === log[1]!.eventId)?.data.object).toMatchObject({
        id: refund.id,
      });
    } finally {
      t.mock.setWebhookHandler((payload, signature) => {
        received.push({ payload, signature });
      });
    }
  });
});

describe('webhooks over HTTP', () => {
  it('POSTs signed JSON to the webhook URL and retries after a 500', async () => {
    const { createServer } = await import('node:http');
    const got: { status: number; body: string; signature: string; contentType: string }[] = [];
    let failFirst = true;
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const status = failFirst ? 500 : 200;
        failFirst = false;
        got.push({
          status,
          body,
          signature: String(req.headers['stripe-signature']),
          contentType: String(req.headers['content-type']),
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const { port } = app.address() as import('node:net').AddressInfo;
    t.mock.setWebhookUrl(`http://127.0.0.1:${port}/api/stripe/webhook`);
    try {
      const pi = await stripe.paymentIntents.create({
        ...ORDER,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: NO_REDIRECTS,
      });
      await t.mock.waitForWebhooks();
      expect(got.map((g) => g.status)).toEqual([500, 200]);
      const last = got[1]!;
      expect(last.contentType).toContain('application/json');
      const event = stripe.webhooks.constructEvent(last.body, last.signature, webhookSecret());
      expect(event.type).toBe('payment_intent.succeeded');
      expect((event.data.object as Stripe.PaymentIntent).id).toBe(pi.id);
      expect(JSON.parse(got[0]!.body)).toMatchObject({ id: event.id });
      expect(t.mock.deliveries().at(-1)).toMatchObject({
        eventId: event.id,
        outcome: 'delivered',
        attempts: 2,
        lastStatus: 200,
      });
    } finally {
      t.mock.setWebhookHandler((payload, signature) => {
        received.push({ payload, signature });
      });
      await new Promise((r) => app.close(r));
    }
  });

  it('an unknown event id cannot be redelivered', async () => {
    await expect(t.mock.redeliver('evt_nope')).rejects.toThrow(/no event evt_nope/);
  });
});

describe('more of Stripe’s rules', () => {
  const raw = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.mock.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
    });

  it('an idempotency key reused on another endpoint is an idempotency_error', async () => {
    const pi = await stripe.paymentIntents.create(
      { ...ORDER, payment_method: 'pm_card_visa', confirm: true, automatic_payment_methods: NO_REDIRECTS },
      { idempotencyKey: 'shared-key-1' },
    );
    const err = await expectStripeError(
      stripe.refunds.create({ payment_intent: pi.id }, { idempotencyKey: 'shared-key-1' }),
      Stripe.errors.StripeIdempotencyError,
    );
    expect(err.message).toContain('same endpoint');
    expect(t.mock.refunds().filter((r) => r.payment_intent === pi.id)).toHaveLength(0);
  });

  it('a confirm retried with its key is replayed: one charge', async () => {
    const created = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const before = t.mock.charges().length;
    const a = await stripe.paymentIntents.confirm(
      created.id,
      { payment_method: 'pm_card_visa' },
      { idempotencyKey: `c-${created.id}` },
    );
    const b = await stripe.paymentIntents.confirm(
      created.id,
      { payment_method: 'pm_card_visa' },
      { idempotencyKey: `c-${created.id}` },
    );
    expect(b.latest_charge).toBe(a.latest_charge);
    expect(t.mock.charges().length).toBe(before + 1);
  });

  it('a request refused while validating its parameters is not saved: the key can be used again once the request is fixed', async () => {
    const bad = await raw('/v1/payment_intents', 'amount=-5&currency=cny', {
      'idempotency-key': 'validate-1',
    });
    expect(bad.status).toBe(400);
    const again = await raw('/v1/payment_intents', 'amount=-5&currency=cny', {
      'idempotency-key': 'validate-1',
    });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const fixed = await raw('/v1/payment_intents', 'amount=500&currency=cny&payment_method_types[]=card', {
      'idempotency-key': 'validate-1',
    });
    expect(fixed.status).toBe(200);
  });

  it('refuses an expansion it cannot do, naming expand', async () => {
    const pi = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    const err = await expectStripeError(
      stripe.paymentIntents.retrieve(pi.id, { expand: ['customer'] }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.param).toBe('expand');
  });

  it('enforces Stripe’s metadata limits', async () => {
    const err = await expectStripeError(
      stripe.paymentIntents.create({
        ...ORDER,
        metadata: { note: 'x'.repeat(501) },
        automatic_payment_methods: NO_REDIRECTS,
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.param).toBe('metadata[note]');
  });

  it('survives hostile form bodies without touching Object.prototype', async () => {
    const res = await raw('/v1/payment_intents', 'amount=100&currency=cny&__proto__[polluted]=1');
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const nested = await raw('/v1/payment_intents', 'amount=100&currency=cny&metadata[a][b]=1');
    expect(nested.status).toBe(400);
    const conflicting = await raw('/v1/payment_intents', 'amount=100&amount[x]=1&currency=cny');
    expect(conflicting.status).toBe(400);
    const builtin = await raw('/v1/payment_intents', 'amount=100&currency=cny&toString[x]=1');
    expect(builtin.status).toBe(400);
    expect((Object.prototype.toString as unknown as Record<string, unknown>).x).toBeUndefined();
    const notACard = await raw('/v1/payment_intents', 'amount=100&currency=cny&payment_method=constructor');
    expect(((await notACard.json()) as { error: { code: string } }).error.code).toBe('resource_missing');
    const count = t.mock.paymentIntents().length;
    const badExpand = await raw('/v1/payment_intents', 'amount=100&currency=cny&expand[]=constructor');
    expect(badExpand.status).toBe(400);
    expect(t.mock.paymentIntents().length).toBe(count);
  });

  it('accepts HTTP Basic auth with the key as user name (curl -u sk_test_…:)', async () => {
    const res = await fetch(`${t.mock.url}/v1/payment_intents/pi_missing`, {
      headers: { authorization: `Basic ${Buffer.from(`${t.secretKey}:`).toString('base64')}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('resource_missing');
  });

  it('during an outage the SDK retries with the same key and creates one intent; a long outage surfaces as StripeAPIError', async () => {
    const before = t.mock.paymentIntents().length;
    t.mock.failRequests(1);
    const pi = await stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    expect(pi.id).toMatch(/^pi_/);
    expect(t.mock.paymentIntents().length).toBe(before + 1);
    const log = t.mock.requestLog().slice(-2);
    expect(log.map((l) => l.status)).toEqual([500, 200]);
    expect(log[0]!.idempotencyKey).toBe(log[1]!.idempotencyKey);

    t.mock.failRequests(3);
    await expectStripeError(
      stripe.paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS }),
      Stripe.errors.StripeAPIError,
    );
    expect(t.mock.paymentIntents().length).toBe(before + 1);
    t.mock.failRequests(0);
  });
});

describe('client factory', () => {
  it('getStripe follows the environment set by startTestStripe', async () => {
    const pi = await getStripe().paymentIntents.create({ ...ORDER, automatic_payment_methods: NO_REDIRECTS });
    expect(t.mock.paymentIntents().some((p) => p.id === pi.id)).toBe(true);
  });

  it('parses STRIPE_API_BASE and refuses what the SDK would silently ignore', async () => {
    const { parseApiBase } = await import('@/server/payments/stripe');
    expect(parseApiBase('http://127.0.0.1:12111')).toEqual({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    });
    expect(parseApiBase('https://api.example.test')).toEqual({
      host: 'api.example.test',
      port: 443,
      protocol: 'https',
    });
    expect(parseApiBase('http://[::1]:9')).toEqual({ host: '::1', port: 9, protocol: 'http' });
    expect(() => parseApiBase('http://127.0.0.1:12111/v1')).toThrow(/path/);
    expect(() => parseApiBase('ftp://x')).toThrow(/http/);
    expect(() => parseApiBase('not a url')).toThrow(/not a URL/);
  });
});
