/**
 * Conformance: every kind of object the local Stripe mock returns (payment_intent, charge, refund,
 * payment_method, event) has the shape of Stripe's own fixture for that resource
 * (`../shared/stripe/fixtures3.json`, read in place, never copied into the project).
 *
 * Rules, strict where the fixture says something:
 * - top level: the mock has every key of the fixture, and no other key except the few listed in
 *   NEWER_THAN_FIXTURE (required by the SDK's types but younger than the fixture file; checked
 *   at compile time to be keys of the SDK type, and at run time to be really present);
 * - a key whose fixture value is non-null must have the same JS type in the mock (array, object,
 *   string, number, boolean; an integer in the fixture must be an integer) — or null, but only where
 *   NULLABLE says so, and NULLABLE is checked at compile time against the SDK's types (`null` must
 *   be assignable to that field), so a field Stripe never nulls can never be excused;
 * - a key whose fixture value is null may be anything (Stripe documents it nullable);
 * - nested objects are compared the same way, recursively, to every depth (nested objects may carry
 *   extra keys: they are typed by the SDK's types at compile time); `{}` in the fixture is a free
 *   hash (metadata, …); array elements are compared with the fixture's first element, and
 *   `charge.refunds.data[]` / `event.data.object` with the fixture of their own resource.
 * Samples cover every state the mock produces (created, requires_confirmation, succeeded, declined,
 * canceled; succeeded/failed/refunded charges; partial and full refunds; every event type).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixturePath = path.resolve(repoRoot, '../shared/stripe/fixtures3.json');

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Keys of T whose type admits null, according to the SDK. */
type NullableKeys<T> = { [K in keyof T]-?: null extends T[K] ? K : never }[keyof T] & string;
const nullable =
  <T>() =>
  <K extends NullableKeys<T>>(...keys: K[]): readonly string[] =>
    keys;
/** Keys of T (for top-level keys the SDK requires but the fixture file predates). */
const keysOf =
  <T>() =>
  <K extends keyof T & string>(...keys: K[]): readonly string[] =>
    keys;

/**
 * Where the mock may answer null although the fixture shows a value. Each entry is a field the
 * SDK types as nullable AND that is null in Stripe's own answer for Linli's case (a card payment
 * with no customer, no Connect, no 3-D Secure, no shipping).
 */
const NULLABLE: Record<string, readonly string[]> = {
  payment_intent: nullable<Stripe.PaymentIntent>()(
    'shipping', // no shipping address: delivery is by stairwell, not a carrier
    'next_action', // no 3-D Secure / redirect step in the mock
    'processing', // cards settle synchronously
    'last_payment_error', // null until a decline
    'payment_method_configuration_details', // only with automatic payment methods
    'automatic_payment_methods', // null when created with payment_method_types
    'transfer_data', // no Connect
    'canceled_at', // null until canceled
    'managed_payments', // not used
  ),
  'payment_intent.last_payment_error.payment_method.billing_details':
    nullable<Stripe.PaymentMethod.BillingDetails>()('email', 'phone'),
  'payment_intent.last_payment_error.payment_method.card': nullable<Stripe.PaymentMethod.Card>()(
    'generated_from',
    'wallet',
  ),
  'payment_intent.last_payment_error.payment_method.card.checks':
    nullable<Stripe.PaymentMethod.Card.Checks>()('cvc_check'),
  'payment_intent.last_payment_error.payment_method.billing_details.address': nullable<Stripe.Address>()(
    'city',
    'country',
    'line1',
    'postal_code',
    'state',
  ),
  charge: nullable<Stripe.Charge>()(
    'balance_transaction', // none for a failed charge
    'receipt_url', // none for a failed charge
    'shipping',
    'source', // PaymentIntents charge a payment_method, never a source
    'description', // the app may not set one
    'transfer_data',
  ),
  'charge.billing_details': nullable<Stripe.Charge.BillingDetails>()('name'),
  'charge.payment_method_details.card': nullable<Stripe.Charge.PaymentMethodDetails.Card>()(
    'installments',
    'three_d_secure',
    'wallet',
  ),
  'charge.payment_method_details.card.checks':
    nullable<Stripe.Charge.PaymentMethodDetails.Card.Checks>()('cvc_check'),
  payment_method: [],
  'payment_method.billing_details': nullable<Stripe.PaymentMethod.BillingDetails>()('email', 'phone'),
  'payment_method.billing_details.address': nullable<Stripe.Address>()(
    'city',
    'country',
    'line1',
    'postal_code',
    'state',
  ),
  'payment_method.card': nullable<Stripe.PaymentMethod.Card>()('generated_from', 'wallet'),
  'payment_method.card.checks': nullable<Stripe.PaymentMethod.Card.Checks>()('cvc_check'),
};
// A PaymentMethod embedded in a PaymentIntent's last_payment_error follows the payment_method rules.
for (const [k, v] of Object.entries(NULLABLE)) {
  if (k.startsWith('payment_method.')) NULLABLE[`payment_intent.last_payment_error.${k}`] = v;
}

const NEWER_THAN_FIXTURE: Record<string, readonly string[]> = {
  payment_intent: keysOf<Stripe.PaymentIntent>()('allowed_payment_method_types', 'payment_record'),
  charge: [],
  refund: [],
  payment_method: [],
  event: [],
};

/** Which NULLABLE entries real samples needed: an entry nobody needs is an excuse to delete. */
const usedNullable = new Set<string>();

/** Nested arrays/objects compared against another resource's fixture instead of the sample. */
const RESOURCE_AT: Record<string, string> = {
  'charge.refunds.data[]': 'refund',
  'payment_intent.last_payment_error.payment_method': 'payment_method',
};

function kind(v: Json | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function compare(
  fixtures: Record<string, JsonObject>,
  fixture: Json,
  actual: Json | undefined,
  where: string,
  rule: string,
  out: string[],
): void {
  const fk = kind(fixture);
  const ak = kind(actual);
  if (fk === 'null') return;
  if (ak === 'missing') {
    out.push(`${where}: missing (fixture has ${fk})`);
    return;
  }
  if (ak === 'null') {
    const dot = rule.lastIndexOf('.');
    const parent = rule.slice(0, dot);
    const key = rule.slice(dot + 1);
    if (!(NULLABLE[parent] ?? []).includes(key))
      out.push(`${where}: null, but the fixture has ${fk} and it is not declared nullable`);
    else usedNullable.add(`${parent}.${key}`);
    return;
  }
  if (fk !== ak) {
    out.push(`${where}: ${ak}, fixture has ${fk}`);
    return;
  }
  if (fk === 'number' && Number.isInteger(fixture) && !Number.isInteger(actual))
    out.push(`${where}: ${JSON.stringify(actual)} is not an integer`);
  if (fk === 'array') {
    const fa = fixture as Json[];
    const aa = actual as Json[];
    const elemRule = `${rule}[]`;
    const resource = RESOURCE_AT[elemRule];
    aa.forEach((el, i) => {
      const ref = resource ? fixtures[resource] : fa[0];
      if (ref !== undefined) compare(fixtures, ref, el, `${where}[${i}]`, resource ?? elemRule, out);
    });
    return;
  }
  if (fk === 'object') {
    const fo = fixture as JsonObject;
    const ao = actual as JsonObject;
    // Free hashes: `{}` in the fixture (payment_method_options, …) and metadata, whose keys are ours.
    if (Object.keys(fo).length === 0 || rule.endsWith('.metadata')) return;
    const other = otherType(fo, ao);
    for (const key of Object.keys(fo)) {
      if (key === other) continue;
      const childRule = `${rule}.${key}`;
      // The fixture's event wraps a plan; ours wrap what they are about: checked per resource below.
      if (childRule === 'event.data.object') continue;
      const resource = RESOURCE_AT[childRule];
      if (resource && ao[key] !== null && ao[key] !== undefined) {
        compareObject(fixtures, resource, ao[key], `${where}.${key}`, childRule, out);
      } else {
        compare(fixtures, fo[key] as Json, ao[key], `${where}.${key}`, childRule, out);
      }
    }
    // Embedded resources the fixture's example leaves out (a decline's payment_method, …).
    for (const key of Object.keys(ao)) {
      const resource = RESOURCE_AT[`${rule}.${key}`];
      if (!(key in fo) && resource && ao[key] !== null)
        compareObject(fixtures, resource, ao[key], `${where}.${key}`, `${rule}.${key}`, out);
    }
  }
}

/**
 * Type-keyed objects (a payment method, a charge's payment_method_details): Stripe puts the details
 * under a key named by `type`. The fixture shows a card; a wallet object has `wechat_pay` / `alipay`
 * instead (typed by the SDK at compile time). Returns the fixture's type key that does not apply.
 */
function otherType(fixture: JsonObject, actual: JsonObject): string | null {
  const ft = fixture.type;
  const at = actual.type;
  return typeof ft === 'string' && typeof at === 'string' && ft !== at && ft in fixture ? ft : null;
}

/** Compare an object nested somewhere against the fixture of its own resource (keys one way). */
function compareObject(
  fixtures: Record<string, JsonObject>,
  resource: string,
  actual: Json | undefined,
  where: string,
  rule: string,
  out: string[],
) {
  const fixture = fixtures[resource] as JsonObject;
  if (kind(actual) !== 'object') {
    out.push(`${where}: ${kind(actual)}, expected a ${resource} object`);
    return;
  }
  const other = otherType(fixture, actual as JsonObject);
  for (const key of Object.keys(fixture)) {
    if (key === other) continue;
    compare(
      fixtures,
      fixture[key] as Json,
      (actual as JsonObject)[key],
      `${where}.${key}`,
      `${rule}.${key}`,
      out,
    );
  }
}

/** Top level: exactly the fixture's keys (plus the declared newer ones), then types as above. */
function conformance(
  fixtures: Record<string, JsonObject>,
  resource: string,
  actual: unknown,
  label: string,
): string[] {
  const out: string[] = [];
  const fixture = fixtures[resource];
  if (!fixture) return [`no fixture for ${resource}`];
  const obj = JSON.parse(JSON.stringify(actual)) as JsonObject;
  const newer = NEWER_THAN_FIXTURE[resource] ?? [];
  const other = otherType(fixture, obj);
  for (const key of Object.keys(obj)) {
    if (other && key === obj.type) continue;
    if (!(key in fixture) && !newer.includes(key)) out.push(`${label}.${key}: not in Stripe's fixture`);
  }
  for (const key of newer)
    if (!(key in obj)) out.push(`${label}.${key}: declared newer than the fixture but absent`);
  for (const key of Object.keys(fixture)) {
    if (key === other) continue;
    if (!(key in obj)) {
      out.push(`${label}.${key}: missing`);
      continue;
    }
    compare(fixtures, fixture[key] as Json, obj[key], `${label}.${key}`, `${resource}.${key}`, out);
  }
  if (resource === 'event') {
    const data = obj.data as JsonObject;
    const inner = data.object as JsonObject;
    const innerResource = typeof inner.object === 'string' ? inner.object : JSON.stringify(inner.object);
    if (!(innerResource in fixtures)) out.push(`${label}.data.object: unknown resource ${innerResource}`);
    else out.push(...conformance(fixtures, innerResource, inner, `${label}.data.object`));
  }
  return out;
}

if (!existsSync(fixturePath) && process.env.CI === 'true') {
  // In CI a missing fixture file is a broken checkout, not a reason to skip the check.
  it('has Stripe’s fixtures to check the mock against (CI=true)', () => {
    expect.fail(`Stripe's fixtures are absent at ${fixturePath}: mock conformance cannot be checked`);
  });
} else if (!existsSync(fixturePath)) {
  it.skip(`Stripe's fixtures are absent at ${fixturePath} (see issue #4): mock conformance NOT checked`, () => {});
} else {
  describe('the Stripe mock conforms to Stripe fixtures3.json', () => {
    const fixtures = (
      JSON.parse(readFileSync(fixturePath, 'utf8')) as { resources: Record<string, JsonObject> }
    ).resources;
    let t: TestStripe;
    let stripe: Stripe;
    const samples: { resource: string; label: string; object: unknown }[] = [];
    const add = (resource: string, label: string, object: unknown) =>
      samples.push({ resource, label, object });

    beforeAll(async () => {
      t = await startTestStripe({ onEvent: () => undefined });
      stripe = t.client;
      const base = {
        amount: 4200,
        currency: 'cny',
        metadata: { order_id: 'o1' },
        description: '鸡蛋×2 大米×1',
      };
      const apm = { enabled: true, allow_redirects: 'never' } as const;

      add(
        'payment_intent',
        'created',
        await stripe.paymentIntents.create({ ...base, automatic_payment_methods: apm }),
      );
      const typed = await stripe.paymentIntents.create({
        amount: 100,
        currency: 'cny',
        ...({ payment_method_types: ['card'] } as object),
      });
      add('payment_intent', 'created with payment_method_types', typed);
      const plain = await stripe.paymentIntents.confirm(typed.id, { payment_method: 'pm_card_unionpay' });
      add('charge', 'no description, UnionPay', await stripe.charges.retrieve(plain.latest_charge as string));
      add(
        'payment_intent',
        'requires_confirmation',
        await stripe.paymentIntents.create({
          ...base,
          payment_method: 'pm_card_visa',
          automatic_payment_methods: apm,
        }),
      );
      const paid = await stripe.paymentIntents.create({
        ...base,
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: apm,
      });
      add('payment_intent', 'succeeded', paid);

      const toDecline = await stripe.paymentIntents.create({ ...base, automatic_payment_methods: apm });
      const decline = await stripe.paymentIntents
        .confirm(toDecline.id, { payment_method: 'pm_card_chargeDeclined' })
        .then(
          () => {
            throw new Error('expected a decline');
          },
          (e: unknown) => e as Stripe.errors.StripeCardError,
        );
      add('payment_intent', 'declined (error body)', decline.payment_intent);
      add('payment_method', 'declined card (error body)', decline.payment_method);
      const declined = await stripe.paymentIntents.retrieve(toDecline.id);
      add('payment_intent', 'declined (retrieved)', declined);
      add('charge', 'failed', await stripe.charges.retrieve(declined.latest_charge as string));

      const toCancel = await stripe.paymentIntents.create({ ...base, automatic_payment_methods: apm });
      add(
        'payment_intent',
        'canceled',
        await stripe.paymentIntents.cancel(toCancel.id, { cancellation_reason: 'abandoned' }),
      );

      const withPm = await stripe.paymentIntents.retrieve(paid.id, { expand: ['payment_method'] });
      add('payment_method', 'visa', withPm.payment_method);
      add('charge', 'succeeded', await stripe.charges.retrieve(paid.latest_charge as string));
      add(
        'refund',
        'partial',
        await stripe.refunds.create({
          payment_intent: paid.id,
          amount: 1000,
          reason: 'requested_by_customer',
        }),
      );
      add('refund', 'rest', await stripe.refunds.create({ payment_intent: paid.id }));
      add('charge', 'fully refunded', await stripe.charges.retrieve(paid.latest_charge as string));

      // Wallets (issue 10): created and confirmed in one call, as the pay page does.
      const wallet = (type: 'wechat_pay' | 'alipay') =>
        stripe.paymentIntents.create({
          ...base,
          allowed_payment_method_types: [type],
          payment_method_data: { type },
          ...(type === 'wechat_pay'
            ? { payment_method_options: { wechat_pay: { client: 'web' as const } } }
            : {}),
          confirm: true,
          return_url: 'http://linli.test/pay/o1?return=1',
        });
      const wechat = await wallet('wechat_pay');
      add('payment_intent', 'wechat_pay requires_action', wechat);
      const wechatPaid = t.mock.authorize(wechat.id);
      add('payment_intent', 'wechat_pay succeeded', wechatPaid);
      add(
        'charge',
        'wechat_pay succeeded',
        await stripe.charges.retrieve(wechatPaid.latest_charge as string),
      );
      add(
        'payment_method',
        'wechat_pay',
        (await stripe.paymentIntents.retrieve(wechat.id, { expand: ['payment_method'] })).payment_method,
      );
      const alipay = await wallet('alipay');
      add('payment_intent', 'alipay requires_action', alipay);
      const alipayFailed = t.mock.fail(alipay.id);
      add('payment_intent', 'alipay failed', alipayFailed);
      add('charge', 'alipay failed', await stripe.charges.retrieve(alipayFailed.latest_charge as string));
      add('refund', 'wechat_pay', await stripe.refunds.create({ payment_intent: wechat.id }));
      // The SDK's own types are the reference for the next actions' shapes.
      const qr: Stripe.PaymentIntent.NextAction.WechatPayDisplayQrCode =
        wechat.next_action!.wechat_pay_display_qr_code!;
      const redirect: Stripe.PaymentIntent.NextAction.RedirectToUrl = alipay.next_action!.redirect_to_url!;
      add('next_action', 'wechat_pay', { qr, redirect });

      await t.mock.waitForWebhooks();
      for (const e of t.mock.events) add('event', e.type, e);
    });
    afterAll(async () => {
      await t.close();
    });

    it('samples every resource and every event type the mock emits', () => {
      const kinds = new Set(samples.map((s) => s.resource));
      expect([...kinds].sort()).toEqual([
        'charge',
        'event',
        'next_action',
        'payment_intent',
        'payment_method',
        'refund',
      ]);
      const eventTypes = new Set(samples.filter((s) => s.resource === 'event').map((s) => s.label));
      expect([...eventTypes].sort()).toEqual([
        'charge.failed',
        'charge.refunded',
        'charge.succeeded',
        'payment_intent.canceled',
        'payment_intent.created',
        'payment_intent.payment_failed',
        'payment_intent.requires_action',
        'payment_intent.succeeded',
        'refund.created',
      ]);
    });

    it('wallet next actions have every field of the SDK types, filled', () => {
      const { qr, redirect } = samples.find((s) => s.resource === 'next_action')!.object as {
        qr: Stripe.PaymentIntent.NextAction.WechatPayDisplayQrCode;
        redirect: Stripe.PaymentIntent.NextAction.RedirectToUrl;
      };
      expect(Object.keys(qr).sort()).toEqual([
        'data',
        'hosted_instructions_url',
        'image_data_url',
        'image_url_png',
        'image_url_svg',
      ]);
      for (const v of Object.values(qr)) expect(typeof v === 'string' && v.length > 0).toBe(true);
      expect(qr.image_data_url).toMatch(/^data:image\/(png|svg\+xml);base64,/);
      expect(Object.keys(redirect).sort()).toEqual(['return_url', 'url']);
      expect(redirect.return_url).toBe('http://linli.test/pay/o1?return=1');
      expect(redirect.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/test_mode\/payment_intents\/pi_/);
    });

    for (const resource of ['payment_intent', 'charge', 'refund', 'payment_method', 'event']) {
      it(`${resource}: same top-level keys and value types as Stripe's fixture`, () => {
        const mine = samples.filter((s) => s.resource === resource);
        expect(mine.length).toBeGreaterThan(0);
        const violations = mine.flatMap((s) =>
          conformance(fixtures, resource, s.object, `${resource}(${s.label})`),
        );
        expect(violations).toEqual([]);
      });
    }

    it('every NULLABLE excuse is needed by some sample (the list stays minimal)', () => {
      const declared = Object.entries(NULLABLE).flatMap(([parent, keys]) =>
        keys.map((k) => `${parent}.${k}`),
      );
      expect(declared.filter((d) => !usedNullable.has(d))).toEqual([]);
    });

    it('the values the fixture shows are produced by the mock in the state that has them', () => {
      // NULLABLE excuses a null; these states must then show the real value, with the fixture's type.
      const byLabel = (label: string) =>
        samples.find((s) => s.label === label)?.object as Record<string, unknown>;
      expect(typeof byLabel('canceled').canceled_at).toBe('number');
      expect(byLabel('declined (retrieved)').last_payment_error).toMatchObject({ type: 'card_error' });
      expect(typeof byLabel('succeeded').payment_method_configuration_details).toBe('object');
      expect(byLabel('succeeded').payment_method_configuration_details).not.toBeNull();
      expect(typeof byLabel('succeeded').automatic_payment_methods).toBe('object');
      expect(typeof (byLabel('fully refunded') as unknown as Stripe.Charge).balance_transaction).toBe(
        'string',
      );
      expect(typeof (byLabel('fully refunded') as unknown as Stripe.Charge).receipt_url).toBe('string');
      expect((byLabel('fully refunded') as unknown as Stripe.Charge).outcome).not.toBeNull();
    });

    it('catches a non-conforming object (the checker itself can fail)', () => {
      const good = samples.find((s) => s.label === 'succeeded')?.object as Record<string, unknown>;
      const bad = { ...good, amount: '4200', extra_field: 1, status: undefined, canceled_at: 'x' };
      const violations = conformance(fixtures, 'payment_intent', bad, 'bad');
      expect(violations).toEqual(
        expect.arrayContaining([
          expect.stringContaining('bad.extra_field: not in'),
          expect.stringContaining('bad.amount: string, fixture has number'),
          expect.stringContaining('bad.status: missing'),
          expect.stringContaining('bad.canceled_at: string, fixture has number'),
        ]),
      );
      const nulled = conformance(
        fixtures,
        'payment_intent',
        { ...good, amount: null, capture_method: null },
        'nulled',
      );
      expect(nulled).toEqual(
        expect.arrayContaining([
          expect.stringContaining('nulled.amount: null'),
          expect.stringContaining('nulled.capture_method: null'),
        ]),
      );
      const deep = structuredClone(
        samples.find((s) => s.label === 'succeeded' && s.resource === 'charge')?.object,
      ) as Stripe.Charge;
      (deep.payment_method_details!.card as unknown as Record<string, unknown>).exp_month = '12';
      expect(conformance(fixtures, 'charge', deep, 'deep')).toEqual([
        expect.stringContaining('deep.payment_method_details.card.exp_month: string'),
      ]);
    });
  });
}
