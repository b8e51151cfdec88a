import { EventEmitter } from 'node:events';
import type { Database } from '@/db/client';

/**
 * The one live-update bus (docs/ARCHITECTURE.md, "Live updates"). Writers publish "topic T changed"
 * after their transaction commits; each app instance holds ONE listener on one channel (LISTEN on
 * PostgreSQL — postgres.js re-LISTENs on a fresh connection after a drop; an in-process emitter on
 * PGlite) and fans messages out in-process by topic. Topics: `relay:<relayId>` (the live chain),
 * `distribution:<communityId>`, `health:<communityId>`.
 *
 * Messages carry ids only, never personal data: each subscriber re-reads what it may see. So a
 * lost or coalesced message costs a little latency, never data, which is why publishing is
 * fire-and-forget and a stream's queue may keep only the latest message per key.
 */
export const LIVE_CHANNEL = 'linli_live';

export type LiveMessage = { topic: string } & Record<string, unknown>;
/** Delivered to subscribers; `null` means "you may have missed messages (reconnect): re-read". */
export type LiveSignal = Record<string, unknown> | null;

export const relayTopic = (relayId: string) => `relay:${relayId}`;
export const distributionTopic = (communityId: string) => `distribution:${communityId}`;
export const healthTopic = (communityId: string) => `health:${communityId}`;

/** The topic of a raw payload. The join's SQL function (linli_join_relay) sends its chain signal
 * with NOTIFY at commit as `{communityId, relayId, version}`, without a topic. */
function topicOf(msg: Record<string, unknown>): string | null {
  if (typeof msg.topic === 'string') return msg.topic;
  if (typeof msg.relayId === 'string') return relayTopic(msg.relayId);
  return null;
}

type Bus = { emitter: EventEmitter; ready: Promise<void> };
// On globalThis: Next's route bundles and the custom server's join path (server/api/join-route.ts)
// load this module separately; on PGlite the join's in-process publish must reach the same emitter.
const buses: WeakMap<Database, Bus> = ((
  globalThis as unknown as { linliLiveBuses?: WeakMap<Database, Bus> }
).linliLiveBuses ??= new WeakMap());

function busFor(database: Database): Bus {
  let bus = buses.get(database);
  if (bus) return bus;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let listens = 0;
  const ready = database
    .listen(
      LIVE_CHANNEL,
      (payload) => {
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(payload) as Record<string, unknown>;
        } catch {
          return;
        }
        const topic = msg && typeof msg === 'object' ? topicOf(msg) : null;
        if (topic) deliver(emitter, topic, msg);
      },
      () => {
        // Called again after a dropped connection was replaced: messages may have been missed.
        if (listens++ > 0) for (const t of emitter.eventNames()) deliver(emitter, t as string, null);
      },
    )
    .then(() => undefined);
  bus = { emitter, ready };
  buses.set(database, bus);
  // A failed LISTEN must not stay cached: the next subscriber tries again.
  ready.catch(() => buses.delete(database));
  return bus;
}

/** One subscriber's error must not stop the fan-out to the others. */
function deliver(emitter: EventEmitter, topic: string, signal: LiveSignal): void {
  for (const listener of emitter.listeners(topic) as ((s: LiveSignal) => void)[]) {
    try {
      listener(signal);
    } catch (e) {
      console.error('[live] subscriber failed', topic, e);
    }
  }
}

/**
 * Call after commit. Fire-and-forget: returns at once, never throws and never waits for the
 * notification, let alone for subscribers (the caller's answer must not wait on fan-out).
 */
export function publishLive(database: Database, message: LiveMessage): void {
  let payload: string;
  try {
    payload = JSON.stringify(message);
  } catch (e) {
    console.error('[live] unserializable message', message.topic, e);
    return;
  }
  let sent: Promise<void>;
  try {
    sent = database.notify(LIVE_CHANNEL, payload);
  } catch (e) {
    console.error('[live] publish failed', message.topic, e);
    return;
  }
  sent.catch((e: unknown) => console.error('[live] publish failed', message.topic, e));
}

/** Calls `onSignal` for every message on `topic` (and `null` after a reconnect); returns unsubscribe. */
export async function subscribeLive(
  database: Database,
  topic: string,
  onSignal: (signal: LiveSignal) => void,
): Promise<() => void> {
  const bus = busFor(database);
  await bus.ready;
  bus.emitter.on(topic, onSignal);
  return () => {
    bus.emitter.off(topic, onSignal);
  };
}

/** How many subscribers this instance holds on `topic` (for tests and metrics). */
export function liveSubscriberCount(database: Database, topic: string): number {
  return buses.get(database)?.emitter.listenerCount(topic) ?? 0;
}

/**
 * A bounded per-stream queue that coalesces: a message replaces a queued one with the same key
 * (so a slow reader gets "version N", not every step), and when more than `max` distinct keys wait,
 * the queue collapses to a single resync (the reader re-reads everything). Never grows without bound
 * and never makes the server close the stream.
 */
export class CoalescingQueue<T> {
  private readonly items = new Map<string, T>();
  constructor(
    private readonly max: number,
    private readonly resync: () => T,
    private readonly merge: (queued: T, next: T) => T = (_queued, next) => next,
  ) {}
  push(key: string, item: T): void {
    const queued = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, queued === undefined ? item : this.merge(queued, item));
    if (this.items.size > this.max) {
      this.items.clear();
      this.items.set('\u0000resync', this.resync());
    }
  }
  shift(): T | undefined {
    const first = this.items.entries().next();
    if (first.done) return undefined;
    this.items.delete(first.value[0]);
    return first.value[1];
  }
  get size(): number {
    return this.items.size;
  }
}

/**
 * A subscription as an async generator: `hello` first (clients refetch on every (re)connect), then
 * each accepted message, coalesced by `keyOf` in a bounded queue, until `signal` aborts.
 * `accept` maps a message to what this subscriber may hear (null: not for it); a reconnect of the
 * bus yields `hello()` again.
 */
export async function* liveEvents<T>(
  database: Database,
  topic: string,
  options: {
    accept: (message: Record<string, unknown>) => T | null;
    keyOf: (item: T) => string;
    hello: () => T;
    /** How a message joins a queued one of the same key (default: the newer wins). NOTIFYs sent
     * from different connections may arrive out of order, so versions merge with Math.max. */
    merge?: (queued: T, next: T) => T;
    max?: number;
    signal?: AbortSignal;
  },
): AsyncGenerator<T> {
  const { accept, keyOf, hello, signal } = options;
  const queue = new CoalescingQueue<T>(options.max ?? 100, hello, options.merge);
  let wake: (() => void) | null = null;
  const unsubscribe = await subscribeLive(database, topic, (message) => {
    if (message === null) {
      queue.push('\u0000resync', hello());
    } else {
      const item = accept(message);
      if (item === null) return;
      queue.push(keyOf(item), item);
    }
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    yield hello();
    while (!signal?.aborted) {
      const next = queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      yield next;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
