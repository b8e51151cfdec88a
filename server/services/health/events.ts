/**
 * Live changes of the health rounds (the committee's self-test table, the "now calling" page, the
 * gate list). Published after the change commits through the database's notify (NOTIFY on
 * PostgreSQL, in-process on PGlite); payloads carry ids only — each page refetches what its
 * caller may see, through the verbs that check it.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceContext } from '@/server/services/shared/context';

export type HealthEventKind = 'hello' | 'self_test' | 'testing' | 'gate';
export type HealthEvent = { id: string; kind: HealthEventKind; at: string; roundId?: string };

function healthChannel(communityId: string): string {
  return `linli_health_${communityId.replaceAll('-', '')}`;
}

/** A lost announcement costs a live refresh, never data: failures are logged and swallowed. */
export async function publishHealth(
  ctx: Pick<ServiceContext, 'database'>,
  communityId: string,
  event: Omit<HealthEvent, 'id' | 'at'>,
): Promise<void> {
  const payload: HealthEvent = { ...event, id: randomUUID(), at: new Date().toISOString() };
  try {
    await ctx.database.notify(healthChannel(communityId), JSON.stringify(payload));
  } catch (err) {
    console.warn('[health] notify failed', err);
  }
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
  const queue: HealthEvent[] = [];
  let wake: (() => void) | null = null;
  const unlisten = await ctx.database.listen(healthChannel(communityId), (payload) => {
    try {
      const e = JSON.parse(payload) as HealthEvent;
      if (!kinds.has(e.kind)) return;
      if (queue.some((q) => q.kind === e.kind && q.roundId === e.roundId)) return;
      queue.push(e);
      wake?.();
    } catch {
      /* not ours */
    }
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    yield { id: randomUUID(), kind: 'hello', at: new Date().toISOString() };
    while (!signal?.aborted) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      yield queue.shift()!;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await unlisten();
  }
}
