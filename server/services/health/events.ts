/**
 * Live changes of the health rounds (the committee's self-test table, the "now calling" page, the
 * gate list). Published after the change commits through the database's notify (NOTIFY on
 * PostgreSQL, in-process on PGlite); payloads carry ids only — each page refetches what its
 * caller may see, through the verbs that check it.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '@/server/services/shared/context';
import { healthTopic, liveEvents, publishLive } from '@/server/services/shared/live-bus';

export type HealthEventKind = 'hello' | 'self_test' | 'testing' | 'gate';
export type HealthEvent = { id: string; kind: HealthEventKind; at: string; roundId?: string };

/**
 * Announces a committed change on the live bus (topic `health:<communityId>`). Fire-and-forget: a
 * lost announcement costs a live refresh, never data, and the caller's answer never waits for it.
 */
export async function publishHealth(
  ctx: Pick<ServiceContext, 'database'>,
  communityId: string,
  event: Omit<HealthEvent, 'id' | 'at'>,
): Promise<void> {
  const payload: HealthEvent = { ...event, id: randomUUID(), at: new Date().toISOString() };
  publishLive(ctx.database, { topic: healthTopic(communityId), ...payload });
}

/**
 * A `hello` first (the page refetches on every (re)connect), then each change of `kinds`, until
 * `signal` aborts. Bursts collapse: a slow phone only needs to know that something changed.
 */
export async function* healthEvents(
  ctx: Pick<ServiceContext, 'database'>,
  communityId: string,
  kinds: ReadonlySet<HealthEventKind>,
  signal?: AbortSignal,
): AsyncGenerator<HealthEvent> {
  yield* liveEvents<HealthEvent>(ctx.database, healthTopic(communityId), {
    accept: (m) => {
      const e = m as unknown as HealthEvent;
      if (!kinds.has(e.kind)) return null;
      return { id: e.id, kind: e.kind, at: e.at, ...(e.roundId ? { roundId: e.roundId } : {}) };
    },
    keyOf: (e) => `${e.kind}:${e.roundId ?? ''}`,
    hello: () => ({ id: randomUUID(), kind: 'hello', at: new Date().toISOString() }),
    signal,
  });
}
