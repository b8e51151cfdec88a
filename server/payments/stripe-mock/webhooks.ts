/**
 * Webhook delivery the way Stripe does it, scaled down: every event is POSTed as JSON with a
 * `Stripe-Signature` header made by the SDK's own helper (so the app's real verification code
 * runs), after the API response has gone out, retried with backoff on failure (bounded here:
 * Stripe retries for three days, a dev tool should not).
 *
 * First attempts go out one at a time in creation order, which Stripe does not promise but which
 * keeps demos and tests readable; retries run in the background and so arrive out of order, as
 * on Stripe. The app must not rely on order: it handles each event by id, once.
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
  private retrying = 0;
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();

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
  enqueue(
    event: Stripe.Event,
    opts: { redelivery?: boolean; force?: boolean } = {},
  ): Promise<WebhookDelivery> {
    return new Promise((resolve) => {
      this.queue.push({
        event,
        redelivery: opts.redelivery ?? false,
        force: opts.force ?? false,
        done: resolve,
      });
      // Deliver after the API response that caused the event has been written.
      setImmediate(() => void this.pump());
    });
  }

  /** Resolves once every queued event has been delivered, failed (retries included) or dropped. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    // Wake every retry that is waiting: it sees `closed` and records the event as dropped.
    for (const [t, wake] of this.sleepers) {
      clearTimeout(t);
      wake();
    }
    this.sleepers.clear();
    for (const job of this.queue.splice(0)) {
      job.done(this.record(job, 'dropped', 0, null, 'mock closed'));
    }
    this.settleIdle();
  }

  private isIdle(): boolean {
    return !this.running && this.queue.length === 0 && this.retrying === 0;
  }

  private settleIdle() {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private record(
    job: Job,
    outcome: WebhookDelivery['outcome'],
    attempts: number,
    lastStatus: number | null,
    lastError: string | null,
  ): WebhookDelivery {
    const d: WebhookDelivery = {
      eventId: job.event.id,
      type: job.event.type,
      outcome,
      attempts,
      lastStatus,
      lastError,
      redelivery: job.redelivery,
    };
    this.log.push(d);
    return d;
  }

  /**
   * First attempts go out one at a time in creation order; an event whose first attempt fails is
   * retried in the background, so an endpoint that is down does not hold back the events behind it.
   */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let job: Job | undefined;
      while (!this.closed && (job = this.queue.shift())) {
        if ((this.paused && !job.force) || !this.hasEndpoint()) {
          job.done(
            this.record(
              job,
              'dropped',
              0,
              null,
              this.paused ? 'webhooks paused' : 'no webhook endpoint configured',
            ),
          );
          continue;
        }
        // Stripe pretty-prints its payloads; the signature covers these exact bytes.
        const payload = JSON.stringify(job.event, null, 2);
        const first = await this.attempt(payload);
        if (first.error === null) {
          job.done(this.record(job, 'delivered', 1, first.status, null));
        } else if (this.options.retryDelaysMs.length === 0) {
          job.done(this.record(job, 'failed', 1, first.status, first.error));
        } else {
          this.retrying++;
          void this.retry(job, payload, first).finally(() => {
            this.retrying--;
            this.settleIdle();
          });
        }
      }
    } finally {
      this.running = false;
      this.settleIdle();
    }
  }

  private async retry(
    job: Job,
    payload: string,
    first: { status: number | null; error: string | null },
  ): Promise<void> {
    let last = first;
    const delays = this.options.retryDelaysMs;
    for (let i = 0; i < delays.length; i++) {
      await this.sleep(delays[i] as number);
      if (this.closed) {
        job.done(this.record(job, 'dropped', i + 1, last.status, 'mock closed'));
        return;
      }
      last = await this.attempt(payload);
      if (last.error === null) {
        job.done(this.record(job, 'delivered', i + 2, last.status, null));
        return;
      }
    }
    job.done(this.record(job, 'failed', delays.length + 1, last.status, last.error));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.sleepers.delete(t);
        resolve();
      }, ms);
      this.sleepers.set(t, resolve);
    });
  }

  private async attempt(payload: string): Promise<{ status: number | null; error: string | null }> {
    // A fresh timestamp per attempt, as Stripe does, so a late retry still passes the tolerance.
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.options.secret });
    try {
      const status = await this.send(payload, signature);
      return { status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` };
    } catch (err) {
      return { status: null, error: err instanceof Error ? err.message : String(err) };
    }
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
