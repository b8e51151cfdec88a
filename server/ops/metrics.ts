/**
 * What `GET /api/metrics` reports (Prometheus text, prom-client). Other modules only call the
 * named functions below (one line each at their hook), so the metric names live in one place.
 * Gauges that need the database (refunds pending, connections) are read at scrape time.
 *
 * The registry lives on globalThis: Next loads route bundles separately, and they must all count
 * into the same registry as the job loop and the custom server.
 */
import client from 'prom-client';

function make() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'linli_' });
  const r = [registry];
  return {
    registry,
    requests: new client.Counter({
      name: 'linli_requests_total',
      help: 'tRPC procedure calls by procedure and outcome code (OK, or the app/tRPC error code)',
      labelNames: ['procedure', 'outcome'],
      registers: r,
    }),
    latency: new client.Histogram({
      name: 'linli_request_duration_seconds',
      help: 'tRPC procedure latency by procedure and outcome code',
      labelNames: ['procedure', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    http5xx: new client.Counter({
      name: 'linli_http_errors_total',
      help: 'Answers with a 5xx status, by route',
      labelNames: ['route'],
      registers: r,
    }),
    joins: new client.Counter({
      name: 'linli_joins_total',
      help: 'relay.join answers: accepted, or refused with the reason code',
      labelNames: ['outcome', 'reason'],
      registers: r,
    }),
    jobRuns: new client.Counter({
      name: 'linli_job_runs_total',
      help: 'Job loop rounds by job kind and outcome',
      labelNames: ['job', 'outcome'],
      registers: r,
    }),
    jobItems: new client.Counter({
      name: 'linli_job_items_total',
      help: 'Items handled by the job loop, by job kind',
      labelNames: ['job'],
      registers: r,
    }),
    jobLag: new client.Gauge({
      name: 'linli_job_lag_seconds',
      help: 'Seconds since the job kind last finished a round without error (its interval is normal)',
      labelNames: ['job'],
      registers: r,
    }),
    sse: new client.Gauge({
      name: 'linli_sse_subscribers',
      help: 'Live-update (SSE) streams open on this instance',
      registers: r,
    }),
    webhooks: new client.Counter({
      name: 'linli_webhook_events_total',
      help: 'Stripe webhook deliveries by event type and result',
      labelNames: ['type', 'result'],
      registers: r,
    }),
    dbPoolMax: new client.Gauge({
      name: 'linli_db_pool_max',
      help: 'Connections this instance may open (postgres.js max; 1 for embedded PGlite)',
      registers: r,
    }),
    dbPoolWaiting: new client.Gauge({
      name: 'linli_db_pool_waiting',
      help: 'tRPC calls beyond the pool size at scrape time (in flight minus pool max): they queue for a connection',
      registers: r,
    }),
    inFlight: new client.Gauge({
      name: 'linli_requests_in_flight',
      help: 'tRPC calls of this instance between start and answer (each holds or waits for a connection at most once)',
      registers: r,
    }),
    dbConnections: new client.Gauge({
      name: 'linli_db_connections',
      help: 'PostgreSQL backends of the app (application_name linli, all instances) by state, from pg_stat_activity at scrape time',
      labelNames: ['state'],
      registers: r,
    }),
    refundsPending: new client.Gauge({
      name: 'linli_refunds_pending',
      help: 'Refunds Stripe has not confirmed yet (the relay-refunds job retries them)',
      registers: r,
    }),
    refundsPendingOldest: new client.Gauge({
      name: 'linli_refunds_pending_oldest_seconds',
      help: 'Age of the oldest pending refund (0 when none)',
      registers: r,
    }),
    shuttingDown: new client.Gauge({
      name: 'linli_shutting_down',
      help: '1 while this instance drains after SIGTERM/SIGINT',
      registers: r,
    }),
    lastJobOk: new Map<string, number>(),
  };
}

type Metrics = ReturnType<typeof make>;
type Holder = { linliMetrics?: Metrics };
const holder = globalThis as unknown as Holder;

export function metrics(): Metrics {
  holder.linliMetrics ??= make();
  return holder.linliMetrics;
}

export function observeRequest(procedure: string, outcome: string, seconds: number): void {
  const m = metrics();
  m.requests.inc({ procedure, outcome });
  m.latency.observe({ procedure, outcome }, seconds);
}

export function countHttp5xx(route: string): void {
  metrics().http5xx.inc({ route });
}

/** `outcome` is OK or the refusal's code (RELAY_SOLD_OUT, FORBIDDEN, …). */
export function countJoin(outcome: string): void {
  metrics().joins.inc(
    outcome === 'OK' ? { outcome: 'accepted', reason: '' } : { outcome: 'refused', reason: outcome },
  );
}

export function observeJobRun(job: string, ok: boolean, items: number, at: Date): void {
  const m = metrics();
  m.jobRuns.inc({ job, outcome: ok ? 'ok' : 'error' });
  if (items > 0) m.jobItems.inc({ job }, items);
  if (ok) m.lastJobOk.set(job, at.getTime());
}

/** Called once per job kind when the loop starts, so a kind that never succeeds shows its lag. */
export function registerJobKind(job: string, since: Date): void {
  const m = metrics();
  if (!m.lastJobOk.has(job)) m.lastJobOk.set(job, since.getTime());
}

export function sseOpened(): void {
  metrics().sse.inc();
}
export function sseClosed(): void {
  metrics().sse.dec();
}

export function countWebhook(type: string, result: string): void {
  metrics().webhooks.inc({ type, result });
}

export function requestStarted(): () => void {
  const g = metrics().inFlight;
  g.inc();
  let done = false;
  return () => {
    if (!done) g.dec();
    done = true;
  };
}

/**
 * The `type` of a webhook payload for the metric label. Read before the signature is checked, so
 * only Stripe's own families pass; anything else is `other` (labels must not be attacker-chosen).
 */
export function webhookEventType(payload: string): string {
  try {
    const type = (JSON.parse(payload) as { type?: unknown }).type;
    return typeof type === 'string' && /^(payment_intent|charge|refund)\.[a-z_.]{1,40}$/.test(type)
      ? type
      : 'other';
  } catch {
    return 'unparseable';
  }
}
