/**
 * Webhook delivery the way Stripe does it, scaled down: every event is POSTed as JSON with a
 * `Stripe-Signature` header made by the SDK's own helper (so the app's real verification code
 * runs), after the API response has gone out, retried with backoff on failure (bounded here:
 * Stripe retries for three days, a dev tool should not).
 *
 * Events go out one at a time in creation order, which Stripe does not promise but which keeps
 * demos and tests readable; the app must not rely on it (it handles each event by id, once).
 */
import Stripe from 'stripe';

/** Hands an event to the app in-process: resolve (or return a 2xx `{status}`) = delivered. */
export type WebhookHandler = (payload: string, signature: string) => unknown;

export type WebhookDelivery = {
  eventId: string;
  type: string;
  /** delivered: a 2xx came back; failed: every attempt failed; dropped: paused or no endpoint. */
  outcome: 'delivered' | 'failed' | 'dropped';
  attempts: number;
  /** HTTP status of the last attempt (handler: 200, or its `status`); null on network error. */
  lastStatus: number | null;
  lastError: string | null;
  redelivery: boolean;
};

export type WebhookOptions = {
  secret: string;
  url: string | null;
  handler: WebhookHandler | null;
  /** Delays before each retry; its length bounds the retries. */
  retryDelaysMs: number[];
  timeoutMs: number;
};

type Job = { event: Stripe.Event; redelivery: boolean; force: boolean; done: (d: WebhookDelivery) => void };

export class WebhookDispatcher {
  url: string | null;
  handler: WebhookHandler | null;
  paused = false;
  readonly log: WebhookDelivery[] = [];
  private readonly queue: Job[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WebhookOptions) {
    this.url = options.url;
    this.handler = options.handler;
  }

  get secret(): string {
    return this.options.secret;
  }

  hasEndpoint(): boolean {
    return Boolean(this.url || this.handler);
  }

  /** Queue an event; `force` delivers even while paused (an explicit redelivery). */
  enqueue(event: Stripe.Event, opts: { redelivery?: boolean; force?: boolean } = {}): Promise<WebhookDelivery> {
    return new Promise((resolve) => {
      this.queue.push({ event, redelivery: opts.redelivery ?? false, force: opts.force ?? false, done: resolve });
      // Deliver after the API response that caused the event has been written.
      setImmediate(() => void this.pump());
    });
  }

  /** Resolves once every queued event has been delivered, failed or dropped. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const job of this.queue.splice(0)) {
      job.done(this.record(job, 'dropped', 0, null, 'mock closed'));
    }
    this.settleIdle();
  }

  private settleIdle() {
    if (this.running || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private record(job: Job, outcome: WebhookDelivery['outcome'], attempts: number, lastStatus: number | null, lastError: string | null): WebhookDelivery {
    const d: WebhookDelivery = { eventId: job.event.id, type: job.event.type, outcome, attempts, lastStatus, lastError, redelivery: job.redelivery };
    this.log.push(d);
    return d;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let job: Job | undefined;
      while (!this.closed && (job = this.queue.shift())) {
        job.done(await this.deliver(job));
      }
    } finally {
      this.running = false;
      this.settleIdle();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async deliver(job: Job): Promise<WebhookDelivery> {
    if ((this.paused && !job.force) || !this.hasEndpoint()) {
      return this.record(job, 'dropped', 0, null, this.paused ? 'webhooks paused' : 'no webhook endpoint configured');
    }
    // Stripe pretty-prints its payloads; the signature covers these exact bytes.
    const payload = JSON.stringify(job.event, null, 2);
    const maxAttempts = this.options.retryDelaysMs.length + 1;
    let lastStatus: number | null = null;
    let lastError: string | null = null;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.closed) return this.record(job, 'dropped', attempt - 1, lastStatus, 'mock closed');
      // A fresh timestamp per attempt, as Stripe does, so a slow retry still passes the tolerance.
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.options.secret });
      try {
        lastStatus = await this.send(payload, signature);
        lastError = lastStatus >= 200 && lastStatus < 300 ? null : `HTTP ${lastStatus}`;
      } catch (err) {
        lastStatus = null;
        lastError = err instanceof Error ? err.message : String(err);
      }
      if (lastError === null) return this.record(job, 'delivered', attempt, lastStatus, null);
      const delay = this.options.retryDelaysMs[attempt - 1];
      if (delay !== undefined) await this.sleep(delay);
    }
    return this.record(job, 'failed', maxAttempts, lastStatus, lastError);
  }

  private async send(payload: string, signature: string): Promise<number> {
    if (this.handler) {
      const result = await this.handler(payload, signature);
      const status = (result as { status?: unknown } | null | undefined)?.status;
      return typeof status === 'number' ? status : 200;
    }
    const res = await fetch(this.url as string, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signature,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'cache-control': 'no-cache',
      },
      body: payload,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    // Drain so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  }
}
