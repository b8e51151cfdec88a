/**
 * The ONE place Linli gets its Stripe client.
 *
 * - `STRIPE_SECRET_KEY` (required): `sk_test_…` for the demo and tests, `sk_live_…` in production.
 * - `STRIPE_API_BASE` (optional): where the API lives, e.g. `http://127.0.0.1:12111` for the local
 *   mock (`npm run stripe-mock`, started by `npm start` when no key is configured). Unset = Stripe.
 * - `STRIPE_WEBHOOK_SECRET`: the `whsec_…` signing secret of the webhook endpoint.
 *
 * The client is cached per (key, base) so a test that points the env at a fresh mock gets a fresh
 * client without having to know about the cache; `resetStripeClient()` clears it anyway.
 *
 * stripe-node 23 has no `payment_method_types` on PaymentIntent create: use `payment_method`
 * and `automatic_payment_methods` (see ../../docs/STRIPE-MOCK.md).
 */
import Stripe from 'stripe';

/** Network retries reuse the SDK's automatic idempotency key, so they never double-charge. */
const MAX_NETWORK_RETRIES = 2;
/** A phone user waits on this: fail in time to show a clear message rather than spin forever. */
const TIMEOUT_MS = 20_000;

export type StripeEndpoint = { host: string; port: number; protocol: 'http' | 'https' };

/** Parses `STRIPE_API_BASE`-style URLs; throws on anything but a bare http(s) origin. */
export function parseApiBase(baseUrl: string): StripeEndpoint {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`STRIPE_API_BASE is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`STRIPE_API_BASE must be http(s)://host[:port], got ${JSON.stringify(baseUrl)}`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    // The SDK always requests /v1/…; a path here would be silently ignored, so refuse it.
    throw new Error(`STRIPE_API_BASE must not have a path (the SDK adds /v1/…): ${JSON.stringify(baseUrl)}`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  // URL keeps IPv6 hosts bracketed; node's http.request wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, protocol };
}

/** A client for `key` talking to `baseUrl` (`null` = Stripe itself). For tests and tools. */
export function createStripeClient(baseUrl: string | null | undefined, key: string): Stripe {
  const endpoint = baseUrl ? parseApiBase(baseUrl) : null;
  return new Stripe(key, {
    ...(endpoint ?? {}),
    maxNetworkRetries: MAX_NETWORK_RETRIES,
    timeout: TIMEOUT_MS,
    appInfo: { name: 'Linli' },
    // Telemetry piggybacks latency of earlier requests on later ones; when a relay opens and
    // hundreds of households pay at once its buffer overflows and logs a warning per request.
    telemetry: false,
  });
}

let cached: { cacheKey: string; client: Stripe } | null = null;

/** The app's Stripe client, configured from the environment. */
export function getStripe(): Stripe {
  const key = process.env.STRIPE_SECRET_KEY;
  if (!key) {
    throw new Error(
      'STRIPE_SECRET_KEY is not set. For local work run `npm start` (it starts the Stripe mock), or ' +
        '`npm run stripe-mock` and set STRIPE_SECRET_KEY=sk_test_… and STRIPE_API_BASE to the URL it prints.',
    );
  }
  const base = process.env.STRIPE_API_BASE || null;
  const cacheKey = `${key}\u0000${base ?? ''}`;
  if (cached?.cacheKey !== cacheKey) cached = { cacheKey, client: createStripeClient(base, key) };
  return cached.client;
}

/** Forget the cached client (tests that change the env between files). */
export function resetStripeClient(): void {
  cached = null;
}

/** The webhook endpoint's signing secret (`whsec_…`). */
export function webhookSecret(): string {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    throw new Error('STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be verified, so none are accepted.');
  }
  return secret;
}

/** True when the configured key is a test key (the mock or Stripe test mode). */
export function isStripeTestMode(): boolean {
  return (
    (process.env.STRIPE_SECRET_KEY ?? '').startsWith('sk_test_') ||
    (process.env.STRIPE_SECRET_KEY ?? '').startsWith('rk_test_')
  );
}

/**
 * The app's own public origin (`LINLI_ORIGIN`, else `NEXTAUTH_URL`): the only base of URLs Linli
 * hands to Stripe (`return_url`). A client-supplied URL is never passed on.
 */
export function appOrigin(): string {
  const raw = process.env.LINLI_ORIGIN || process.env.NEXTAUTH_URL || 'http://localhost:3000';
  try {
    return new URL(raw).origin;
  } catch {
    return 'http://localhost:3000';
  }
}
