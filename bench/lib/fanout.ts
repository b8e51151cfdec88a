/**
 * Live fan-out: N phones hold the relay page open (one tRPC SSE subscription each, with their own
 * session), then households join one at a time; for each join, the time from sending the join to
 * each subscriber receiving the change. The subscribers only listen, so every event after the
 * join was sent is that join's.
 */
import { performance } from 'node:perf_hooks';
import { subscribe, type SseEvent } from './http';
import { joinOverHttp, type JoinOutcome } from './join';
import { latencies, pool, round } from './stats';
import type { Resident } from './sessions';
import type { RelayRef, World } from './world';

export const ON_CHANGE_PROCEDURE = 'relay.onChange';

export type FanoutResult = {
  subscribers: number;
  connected: number;
  connectMs: number;
  joins: { join: JoinOutcome; received: number; p50: number; max: number }[];
};

export async function runFanout(
  base: string,
  w: World,
  r: RelayRef,
  listeners: Resident[],
  joiners: Resident[],
  opts: { waitMs?: number; gapMs?: number } = {},
): Promise<FanoutResult> {
  const waitMs = opts.waitMs ?? 15_000;
  // Per subscriber: the time of the first data event after `mark`.
  let mark = Infinity;
  const firstAfter = new Array<number>(listeners.length).fill(NaN);
  let pending = 0;
  let lastAny = performance.now();
  let allIn: (() => void) | null = null;
  const subs = listeners.map((l, i) =>
    subscribe(
      base,
      ON_CHANGE_PROCEDURE,
      { communityId: w.communityId, relayId: r.relayId },
      l.phoneClient.jar.header(),
      (e: SseEvent) => {
        if (e.event !== 'message') return;
        lastAny = e.at;
        if (e.at < mark || !Number.isNaN(firstAfter[i]!)) return;
        firstAfter[i] = e.at;
        if (--pending === 0) allIn?.();
      },
    ),
  );
  const t0 = performance.now();
  const ready = await Promise.allSettled(subs.map((s) => s.ready));
  const connectMs = performance.now() - t0;
  const connected = ready.filter((x) => x.status === 'fulfilled').length;
  const failed = ready.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed)
    console.error(
      `[bench] fan-out: ${listeners.length - connected} subscriptions failed, e.g. ${String(failed.reason)}`,
    );
  // Let the first events of every subscription (the current state) pass before the first join:
  // wait for a second of quiet, at most 15 s.
  const settleUntil = performance.now() + 15_000;
  while (performance.now() - lastAny < 1000 && performance.now() < settleUntil)
    await new Promise((res) => setTimeout(res, 100));

  const joins: FanoutResult['joins'] = [];
  try {
    await pool(joiners.length, 1, async (j) => {
      const who = joiners[j]!;
      firstAfter.fill(NaN);
      pending = connected;
      const done = new Promise<void>((res) => (allIn = res));
      mark = performance.now();
      const join = await joinOverHttp(who.phoneClient.at(base), w, r, who.householdId);
      await Promise.race([done, new Promise((res) => setTimeout(res, waitMs))]);
      allIn = null;
      const got = firstAfter.filter((x) => !Number.isNaN(x)).map((x) => x - mark);
      const lat = latencies(got);
      joins.push({ join, received: got.length, p50: lat.p50, max: lat.max });
      await new Promise((res) => setTimeout(res, opts.gapMs ?? 500));
    });
  } finally {
    for (const s of subs) s.close();
  }
  return { subscribers: listeners.length, connected, connectMs: round(connectMs), joins };
}
