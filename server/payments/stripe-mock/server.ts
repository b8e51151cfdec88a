/**
 * Local Stripe-compatible mock (issue #4 item 6): exactly the Stripe endpoints Linli calls, over
 * HTTP, in Stripe's wire format, so the app runs the official `stripe` SDK unchanged against it.
 *
 *   POST /v1/payment_intents              GET  /v1/payment_intents/:id
 *   POST /v1/payment_intents/:id/confirm  POST /v1/payment_intents/:id/cancel
 *   POST /v1/refunds                      GET  /v1/refunds/:id
 *   GET  /v1/charges/:id                  (what `latest_charge` points at)
 *
 * Requests: form-encoded with bracket notation; `Authorization: Bearer sk_test_…` (or HTTP Basic
 * with the key as user name); `Idempotency-Key` with Stripe's semantics; `Stripe-Version` accepted.
 * Test payment methods: `pm_card_visa` succeeds, `pm_card_chargeDeclined` declines (402
 * card_error); more in objects.ts. Webhooks: see webhooks.ts. docs/STRIPE-MOCK.md has the rest.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { StripeEngine, type ApiResult, type EngineState, type RequestInfo } from './engine';
import { idempotencyError, MockError, unauthorized, unknownRoute } from './errors';
import { canonical, FormParseError, parseForm, type FormObject } from './form';
import { buildEvent, newId } from './objects';
import { WebhookDispatcher, type WebhookDelivery, type WebhookHandler } from './webhooks';
import { qrSvgDataUrl, testModePage, testModeUrl } from './wallets';

export type { WebhookDelivery, WebhookHandler } from './webhooks';

/** The events Linli's webhook endpoint subscribes to (Stripe sends only what an endpoint enabled). */
export const DEFAULT_ENABLED_EVENTS: readonly Stripe.Event['type'][] = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'refund.created',
];

export type StripeMockOptions = {
  /** 0 picks a free port. */
  port: number;
  /** Interface to listen on; default 127.0.0.1 (a dev tool has no business on the network). */
  host?: string;
  /** Where to POST events, e.g. http://127.0.0.1:3000/api/stripe/webhook. */
  webhookUrl?: string | null;
  /** In-process alternative to webhookUrl: called with the raw body and the signature header. */
  onEvent?: WebhookHandler | null;
  /** The endpoint's signing secret (`whsec_…`); a random one when omitted. */
  webhookSecret?: string;
  /** Event types delivered to the endpoint (all are recorded in `events`). */
  enabledEvents?: readonly Stripe.Event['type'][] | '*';
  /** Delays before each webhook retry (its length bounds the retries); default [100, 500, 2000]. */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** Accept only these API keys; default any well-formed test key (`sk_test_…` / `rk_test_…`). */
  apiKeys?: string[];
  /** Log one line per request to stderr (the CLI turns this on). */
  log?: boolean;
  /**
   * Keep every object in this JSON file: loaded at start, written after each change (debounced)
   * and at close — so intents made before a restart (the demo's paid orders) can still be
   * retrieved and refunded after it. Events, idempotency keys and the request log are not kept.
   */
  stateFile?: string;
};

export type MockRequestLogEntry = {
  requestId: string;
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  replayed: boolean;
};

export type StripeMock = {
  /** Base URL for STRIPE_API_BASE, e.g. http://127.0.0.1:12111 */
  url: string;
  port: number;
  webhookSecret: string;
  close(): Promise<void>;
  /** Every event the mock created, oldest first, including ones never delivered (see deliveries()). */
  readonly events: Stripe.Event[];
  /** Snapshot of every delivery attempt sequence, in order. */
  deliveries(): WebhookDelivery[];
  paymentIntents(): Stripe.PaymentIntent[];
  charges(): Stripe.Charge[];
  refunds(): Stripe.Refund[];
  setWebhookUrl(url: string | null): void;
  /** Deliver events to a function instead of over HTTP (null to stop). */
  setWebhookHandler(handler: WebhookHandler | null): void;
  /** While paused, events are still created but never delivered: a lost webhook. */
  pauseWebhooks(paused: boolean): void;
  /** Send an existing event again (same id, fresh signature), even while paused. */
  redeliver(eventId: string): Promise<WebhookDelivery>;
  /** Resolves when every queued webhook has been delivered, failed or dropped. */
  waitForWebhooks(): Promise<void>;
  /** API requests received (every status, replays included). */
  readonly requestCount: number;
  requestLog(): MockRequestLogEntry[];
  /**
   * The next `count` API requests (after routing and auth) answer 500 `api_error` without doing
   * anything, like Stripe being unreachable behind its load balancer; nothing is saved for
   * idempotency, so the SDK's automatic retries (same key) then succeed. 0 stops it.
   */
  failRequests(count: number): void;
  /** Forget every object, event, idempotency key and log entry. */
  reset(): void;
  /**
   * Test mode for wallets: the payer authorizes (or refuses) a WeChat Pay / Alipay intent that is
   * `requires_action` — what the buttons on `/test_mode/payment_intents/<id>` do. Events follow.
   */
  authorize(paymentIntentId: string): Stripe.PaymentIntent;
  fail(paymentIntentId: string): Stripe.PaymentIntent;
  /** The test-mode page of an intent (what its QR code and Alipay redirect point at). */
  testModeUrl(paymentIntentId: string): string;
};

type SavedResponse = {
  method: string;
  path: string;
  params: string;
  status: number;
  body: string;
  requestId: string;
};

const MAX_BODY_BYTES = 1 << 20;
/** Stripe keeps idempotency keys for at least 24 hours. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function maskKey(key: string): string {
  const cut = key.indexOf('_', key.indexOf('_') + 1) + 1;
  return `${key.slice(0, cut)}${'*'.repeat(Math.max(4, Math.min(20, key.length - cut - 4)))}${key.slice(-4)}`;
}

/** The API key from `Authorization`, or the 401 Stripe would answer. */
function authenticate(header: string | undefined, allowed: string[] | undefined): string {
  if (!header) {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  let key = '';
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') key = value;
  else if (scheme?.toLowerCase() === 'basic')
    key = Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  if (!key) {
    throw unauthorized("Invalid API Key provided. Use 'Authorization: Bearer sk_test_…'.");
  }
  if (/^(sk|rk)_live_/.test(key)) {
    throw unauthorized(
      `Invalid API Key provided: ${maskKey(key)}. This is the local Stripe mock: it only accepts test-mode keys (sk_test_…).`,
    );
  }
  const wellFormed = /^(sk|rk)_test_[A-Za-z0-9_]{1,255}$/.test(key);
  if (!wellFormed || (allowed && !allowed.includes(key))) {
    throw unauthorized(`Invalid API Key provided: ${wellFormed ? maskKey(key) : key.slice(0, 12)}`);
  }
  return key;
}

type Route = {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: (m: RegExpMatchArray, form: FormObject, req: RequestInfo) => ApiResult;
};

/** What one running mock holds between requests. */
type MockState = {
  options: StripeMockOptions;
  engine: StripeEngine;
  dispatcher: WebhookDispatcher;
  events: Stripe.Event[];
  idempotency: Map<string, SavedResponse & { at: number }>;
  log: MockRequestLogEntry[];
  routes: Route[];
  requestCount: number;
  failuresLeft: number;
  saveNow: () => void;
  saveSoon: () => void;
};

/** One API request being answered: what it asked, its log entry, and how to reply. */
type Call = {
  requestId: string;
  method: string;
  url: URL;
  path: string;
  idemKey: string | null;
  entry: MockRequestLogEntry;
  reply: (status: number, body: string, headers?: Record<string, string>) => void;
};

export async function startStripeMock(options: StripeMockOptions): Promise<StripeMock> {
  const secret = options.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const dispatcher = new WebhookDispatcher({
    secret,
    url: options.webhookUrl ?? null,
    handler: options.onEvent ?? null,
    retryDelaysMs: options.webhookRetryDelaysMs ?? [100, 500, 2000],
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
  });
  const events: Stripe.Event[] = [];
  const engine = recordingEngine(options, dispatcher, events);
  const { saveNow, saveSoon } = stateFileSaver(options, engine);
  const state: MockState = {
    options,
    engine,
    dispatcher,
    events,
    idempotency: new Map(),
    log: [],
    routes: apiRoutes(engine),
    requestCount: 0,
    failuresLeft: 0,
    saveNow,
    saveSoon,
  };
  const server = http.createServer((req, res) => void handle(state, req, res));
  server.keepAliveTimeout = 5_000;
  const { url, port } = await listen(server, options.host ?? '127.0.0.1', options.port);
  engine.baseUrl = url;
  return mockControls(state, server, { url, port, secret });
}

/** An engine whose every change becomes an event, recorded and (when enabled) delivered. */
function recordingEngine(
  options: StripeMockOptions,
  dispatcher: WebhookDispatcher,
  events: Stripe.Event[],
): StripeEngine {
  const enabled = options.enabledEvents ?? DEFAULT_ENABLED_EVENTS;
  return new StripeEngine((e) => {
    const deliver = enabled === '*' || enabled.includes(e.type);
    const event = buildEvent({
      type: e.type,
      object: e.object,
      previousAttributes: e.previousAttributes,
      request: { id: e.request.requestId, idempotency_key: e.request.idempotencyKey },
      pendingWebhooks: deliver && dispatcher.hasEndpoint() ? 1 : 0,
      apiVersion: Stripe.API_VERSION,
    });
    events.push(event);
    if (deliver) void dispatcher.enqueue(event);
  });
}

/** Loads the state file (when there is one) and returns how to write it back, now or soon. */
function stateFileSaver(options: StripeMockOptions, engine: StripeEngine) {
  let saveTimer: NodeJS.Timeout | null = null;
  const saveNow = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    if (!options.stateFile) return;
    const tmp = `${options.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(engine.snapshot()));
    renameSync(tmp, options.stateFile);
  };
  const saveSoon = () => {
    if (options.stateFile && !saveTimer) saveTimer = setTimeout(saveNow, 200);
  };
  if (options.stateFile && existsSync(options.stateFile)) {
    engine.restore(JSON.parse(readFileSync(options.stateFile, 'utf8')) as Partial<EngineState>);
  }
  return { saveNow, saveSoon };
}

function apiRoutes(engine: StripeEngine): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents$/,
      handler: (_m, f, r) => engine.createPaymentIntent(f, r),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handler: (m, f) => engine.retrievePaymentIntent(m[1] as string, f),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      handler: (m, f, r) => engine.confirmPaymentIntent(m[1] as string, f, r),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      handler: (m, f, r) => engine.cancelPaymentIntent(m[1] as string, f, r),
    },
    { method: 'POST', pattern: /^\/v1\/refunds$/, handler: (_m, f, r) => engine.createRefund(f, r) },
    {
      method: 'GET',
      pattern: /^\/v1\/refunds\/([^/]+)$/,
      handler: (m, f) => engine.retrieveRefund(m[1] as string, f),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/charges\/([^/]+)$/,
      handler: (m, f) => engine.retrieveCharge(m[1] as string, f),
    },
  ];
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache, no-store',
    ...headers,
  });
  res.end(body);
}

async function handle(state: MockState, req: http.IncomingMessage, res: http.ServerResponse) {
  state.requestCount++;
  const call = openCall(state, req, res);
  if (call.path.startsWith('/test_mode/')) {
    const info = { requestId: call.requestId, idempotencyKey: null };
    testMode(state.engine, call.method, call.path, info, (status, body, headers) => {
      call.entry.status = status;
      if (call.method === 'POST') state.saveSoon();
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(body);
    });
    return;
  }
  try {
    await serveApi(state, req, call);
  } catch (err) {
    if (err instanceof MockError) {
      call.reply(err.status, JSON.stringify({ error: err.body }, null, 2));
      return;
    }
    console.error('[stripe-mock] internal error', err);
    call.reply(
      500,
      JSON.stringify({
        error: {
          type: 'api_error',
          message: `The local Stripe mock failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      }),
    );
  }
}

/** Logs the request and builds its `reply`, with Stripe's headers on every answer. */
function openCall(state: MockState, req: http.IncomingMessage, res: http.ServerResponse): Call {
  const requestId = newId('req', 14);
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://mock.invalid');
  const path = url.pathname;
  const version = req.headers['stripe-version'];
  const baseHeaders: Record<string, string> = {
    'request-id': requestId,
    'stripe-version': typeof version === 'string' && version ? version : Stripe.API_VERSION,
  };
  const rawKey = req.headers['idempotency-key'];
  const idemKey = typeof rawKey === 'string' && rawKey !== '' ? rawKey : null;
  const entry: MockRequestLogEntry = {
    requestId,
    method,
    path,
    status: 0,
    idempotencyKey: idemKey,
    replayed: false,
  };
  state.log.push(entry);
  const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
    entry.status = status;
    if (method === 'POST' && status < 500) state.saveSoon();
    // Only 5xx (never produced by the mock's own logic) are worth retrying: 4xx are final.
    send(res, status, body, {
      ...baseHeaders,
      'stripe-should-retry': status >= 500 ? 'true' : 'false',
      ...headers,
    });
    if (state.options.log)
      console.error(`[stripe-mock] ${method} ${path} → ${status}${entry.replayed ? ' (replayed)' : ''}`);
  };
  return { requestId, method, url, path, idemKey, entry, reply };
}

/**
 * An API request: read the body, route, authenticate, (maybe) simulate an outage, parse the form,
 * replay an idempotent answer or run the route and keep its answer for the key.
 */
async function serveApi(state: MockState, req: http.IncomingMessage, call: Call): Promise<void> {
  const { method, path, idemKey } = call;
  const body = await readRequestBody(req);
  const route = state.routes.find((r) => r.method === method && r.pattern.test(path));
  const match = route ? path.match(route.pattern) : null;
  if (!route || !match) throw unknownRoute(method, path);
  const apiKey = authenticate(req.headers.authorization, state.options.apiKeys);
  if (state.failuresLeft > 0) {
    state.failuresLeft--;
    call.reply(500, simulatedOutage());
    return;
  }
  const form = readForm(method, call.url, body);
  // Stripe applies idempotency to POST only (GETs are idempotent by definition).
  const useIdempotency = method === 'POST' && idemKey !== null;
  if (useIdempotency && idemKey.length > 255) {
    throw new MockError(400, {
      type: 'invalid_request_error',
      message: 'Idempotency-Key must be 255 characters or fewer.',
    });
  }
  const scope = `${apiKey}\u0000${idemKey ?? ''}`;
  const params = canonical(form);
  if (useIdempotency && replaySaved(state, call, scope, params)) return;
  const info: RequestInfo = { requestId: call.requestId, idempotencyKey: useIdempotency ? idemKey : null };
  const { status, out, executed } = runRoute(route, match, form, info);
  if (useIdempotency && executed) {
    state.idempotency.set(scope, {
      method,
      path,
      params,
      status,
      body: out,
      requestId: call.requestId,
      at: Date.now(),
    });
    if (state.idempotency.size % 1000 === 0) pruneIdempotency(state.idempotency);
  }
  call.reply(
    status,
    out,
    useIdempotency ? { 'idempotency-key': idemKey, 'original-request': call.requestId } : {},
  );
}

async function readRequestBody(req: http.IncomingMessage): Promise<string> {
  try {
    return await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge)
      throw new MockError(413, { type: 'invalid_request_error', message: 'Request body too large.' });
    throw err;
  }
}

function simulatedOutage(): string {
  return JSON.stringify(
    {
      error: {
        type: 'api_error',
        message: 'Simulated outage of the local Stripe mock (failRequests).',
      },
    },
    null,
    2,
  );
}

function readForm(method: string, url: URL, body: string): FormObject {
  try {
    return method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(body || url.search.slice(1));
  } catch (err) {
    if (err instanceof FormParseError)
      throw new MockError(400, { type: 'invalid_request_error', message: err.message });
    throw err;
  }
}

/**
 * Answers again what a key answered the first time (true), or nothing (false) when the key is new
 * or expired; a key reused on another endpoint or with other parameters is an error.
 */
function replaySaved(state: MockState, call: Call, scope: string, params: string): boolean {
  const { method, path, idemKey } = call;
  const saved = state.idempotency.get(scope);
  if (!saved) return false;
  if (Date.now() - saved.at > IDEMPOTENCY_TTL_MS) {
    state.idempotency.delete(scope);
    return false;
  }
  if (saved.method !== method || saved.path !== path) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.method} ${saved.path}' vs '${method} ${path}'). Try using a key other than '${idemKey}' if you meant to execute a different request.`,
    );
  }
  if (saved.params !== params) {
    throw idempotencyError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
    );
  }
  call.entry.replayed = true;
  call.reply(saved.status, saved.body, {
    'idempotent-replayed': 'true',
    'original-request': saved.requestId,
    'idempotency-key': idemKey!,
  });
  return true;
}

/** The route's answer; a MockError is an answer too (`executed` says whether to keep it for the key). */
function runRoute(route: Route, match: RegExpMatchArray, form: FormObject, info: RequestInfo) {
  try {
    const result = route.handler(match, form, info);
    return { status: result.status, out: JSON.stringify(result.body, null, 2), executed: true };
  } catch (err) {
    if (!(err instanceof MockError)) throw err;
    return {
      status: err.status,
      out: JSON.stringify({ error: err.body }, null, 2),
      executed: err.executed,
    };
  }
}

/**
 * The test-mode page (no API key: it is what the payer's phone opens). GET shows the intent with
 * "authorize" / "fail"; POST does it, then sends the payer back to the intent's return_url (Alipay)
 * or shows the outcome (WeChat Pay, scanned on another device).
 */
function testMode(
  engine: StripeEngine,
  method: string,
  path: string,
  info: RequestInfo,
  reply: (status: number, body: string, headers: Record<string, string>) => void,
) {
  const html = { 'content-type': 'text/html; charset=utf-8' };
  const m = path.match(/^\/test_mode\/payment_intents\/([^/]+)(?:\/(authorize|fail|qr\.svg))?$/);
  if (!m) return reply(404, 'Not found', { 'content-type': 'text/plain' });
  const id = m[1] as string;
  const pi = engine.paymentIntents.get(id);
  if (m[2] === 'qr.svg' && method === 'GET') {
    const svg = Buffer.from(qrSvgDataUrl(testModeUrl(engine.baseUrl, id)).split(',')[1]!, 'base64').toString(
      'utf8',
    );
    return reply(200, svg, { 'content-type': 'image/svg+xml' });
  }
  if (method === 'GET' && !m[2]) return reply(pi ? 200 : 404, testModePage(pi, id), html);
  if (method !== 'POST' || !m[2]) return reply(405, 'Method not allowed', { 'content-type': 'text/plain' });
  try {
    const done = engine.completeWallet(id, m[2] as 'authorize' | 'fail', info);
    const back = done.next_action === null ? engine.returnUrls.get(id) : undefined;
    if (back) return reply(303, '', { location: back });
    return reply(200, testModePage(done, id), html);
  } catch (err) {
    const message = err instanceof MockError ? String(err.body.message) : String(err);
    return reply(400, `<!doctype html><p>${message.replace(/</g, '&lt;')}</p>`, html);
  }
}

function pruneIdempotency(idempotency: MockState['idempotency']) {
  const cutoff = Date.now() - IDEMPOTENCY_TTL_MS;
  for (const [k, v] of idempotency) if (v.at < cutoff) idempotency.delete(k);
}

async function listen(server: http.Server, host: string, port: number) {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
}

/** The handle a test or the CLI holds: inspect, steer and stop the running mock. */
function mockControls(
  state: MockState,
  server: http.Server,
  { url, port, secret }: { url: string; port: number; secret: string },
): StripeMock {
  const { engine, dispatcher, events, log } = state;
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    webhookSecret: secret,
    events,
    close() {
      state.saveNow();
      closing ??= new Promise<void>((resolve) => {
        dispatcher.close();
        server.close(() => resolve());
        // The SDK keeps connections alive: without this, close() waits for them to time out.
        server.closeAllConnections();
      });
      return closing;
    },
    deliveries: () => dispatcher.log.map((d) => ({ ...d })),
    paymentIntents: () => [...engine.paymentIntents.values()].map((x) => structuredClone(x)),
    charges: () => [...engine.charges.values()].map((x) => structuredClone(x)),
    refunds: () => [...engine.refunds.values()].map((x) => structuredClone(x)),
    setWebhookUrl(next) {
      dispatcher.url = next;
      if (next) dispatcher.handler = null;
    },
    setWebhookHandler(handler) {
      dispatcher.handler = handler;
      if (handler) dispatcher.url = null;
    },
    pauseWebhooks(paused) {
      dispatcher.paused = paused;
    },
    redeliver(eventId) {
      const event = events.find((e) => e.id === eventId);
      if (!event) return Promise.reject(new Error(`stripe-mock: no event ${eventId}`));
      return dispatcher.enqueue(event, { redelivery: true, force: true });
    },
    waitForWebhooks: () => dispatcher.idle(),
    get requestCount() {
      return state.requestCount;
    },
    requestLog: () => log.map((e) => ({ ...e })),
    failRequests(count) {
      state.failuresLeft = Math.max(0, Math.floor(count));
    },
    authorize: (id) =>
      engine.completeWallet(id, 'authorize', { requestId: newId('req', 14), idempotencyKey: null }),
    fail: (id) => engine.completeWallet(id, 'fail', { requestId: newId('req', 14), idempotencyKey: null }),
    testModeUrl: (id) => testModeUrl(url, id),
    reset() {
      state.failuresLeft = 0;
      engine.reset();
      events.length = 0;
      state.idempotency.clear();
      log.length = 0;
      dispatcher.log.length = 0;
      state.requestCount = 0;
    },
  };
}
