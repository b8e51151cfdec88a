/**
 * Stripe in tests: a real local mock server (server/payments/stripe-mock) on a free port, talked
 * to through the official SDK exactly as the app does.
 *
 *   let stripe: TestStripe;
 *   beforeAll(async () => { stripe = await startTestStripe(); });
 *   afterAll(() => stripe.close());
 *
 * `startTestStripe()` sets STRIPE_SECRET_KEY, STRIPE_API_BASE and STRIPE_WEBHOOK_SECRET for this
 * test file (each file runs in its own worker) and resets the cached client, so `getStripe()`
 * and `webhookSecret()` in app code now point at the mock; `close()` stops it and restores the env.
 *
 * Webhooks, two ways:
 * - over HTTP: `startTestStripe({ webhookUrl })` (or `stripe.mock.setWebhookUrl(url)`);
 * - in-process, for integration tests with no HTTP app: `startTestStripe({ onEvent })` (or
 *   `stripe.mock.setWebhookHandler(fn)`): `fn(rawBody, signatureHeader)` receives exactly what the
 *   webhook route would receive, so feed it to the same code the route calls, e.g.
 *     onEvent: (body, sig) => handleStripeWebhook({ db, payload: body, signature: sig })
 *   Throwing (or returning `{ status: 5xx }`, e.g. a route handler's Response) counts as a failed
 *   delivery and is retried; the retry delays are short in tests.
 *
 * Then `await stripe.mock.waitForWebhooks()` before asserting (never sleep). Other controls:
 * `mock.pauseWebhooks(true)` (events are created but lost), `mock.redeliver(eventId)` (the same
 * event again), `mock.events`, `mock.deliveries()`, `mock.paymentIntents()`, `mock.refunds()`,
 * `mock.charges()`, `mock.requestLog()`, `mock.requestCount`, `mock.failRequests(n)` (Stripe
 * unreachable for the next n requests; the SDK retries twice by itself), `mock.reset()`.
 * Test cards: 'pm_card_visa' succeeds, 'pm_card_chargeDeclined' declines (StripeCardError).
 * As on Stripe, confirming server-side needs `return_url`, or the intent created with
 * `automatic_payment_methods: { enabled: true, allow_redirects: 'never' }`.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { createStripeClient, resetStripeClient } from '@/server/payments/stripe';
import {
  startStripeMock,
  type StripeMock,
  type StripeMockOptions,
  type WebhookHandler,
} from '@/server/payments/stripe-mock/server';

export type TestStripe = {
  mock: StripeMock;
  /** An SDK client for this mock (the same configuration getStripe() uses). */
  client: Stripe;
  secretKey: string;
  webhookSecret: string;
  /** Stops the mock and restores the environment variables this helper set. */
  close(): Promise<void>;
};

const ENV_KEYS = ['STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'STRIPE_WEBHOOK_SECRET'] as const;

export async function startTestStripe(
  options: {
    webhookUrl?: string | null;
    onEvent?: WebhookHandler | null;
    enabledEvents?: StripeMockOptions['enabledEvents'];
    webhookRetryDelaysMs?: number[];
  } = {},
): Promise<TestStripe> {
  const secretKey = `sk_test_linli_${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_test_${randomBytes(16).toString('hex')}`;
  const mock = await startStripeMock({
    port: 0,
    webhookUrl: options.webhookUrl ?? null,
    onEvent: options.onEvent ?? null,
    webhookSecret,
    enabledEvents: options.enabledEvents,
    // Fast retries: a test asserting a retried delivery should not wait seconds.
    webhookRetryDelaysMs: options.webhookRetryDelaysMs ?? [10, 20, 40],
  });
  const previous = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  process.env.STRIPE_SECRET_KEY = secretKey;
  process.env.STRIPE_API_BASE = mock.url;
  process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
  resetStripeClient();
  return {
    mock,
    client: createStripeClient(mock.url, secretKey),
    secretKey,
    webhookSecret,
    async close() {
      await mock.close();
      for (const k of ENV_KEYS) {
        if (previous[k] === undefined) delete process.env[k];
        else process.env[k] = previous[k];
      }
      resetStripeClient();
    },
  };
}
