import { getDatabase, type Database } from '@/db/client';
import { onShutdown } from '@/server/ops/lifecycle';
import { log } from '@/server/ops/log';
import { observeJobRun, registerJobKind } from '@/server/ops/metrics';
import { JOBS } from './index';
import type { Job } from './registry';

type Loop = { stop: () => Promise<void> };
type Holder = { linliJobLoop?: Loop };
const holder = globalThis as unknown as Holder;

/**
 * Starts every job on its interval in this process (once per process). One log line and metric per
 * round. When the instance drains, no new round starts and `stop()` waits for the rounds in
 * progress: a job's claims are row locks of its transaction, released when the round commits.
 */
export function startJobLoop(): Loop {
  if (holder.linliJobLoop) return holder.linliJobLoop;
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  const started = new Date();
  for (const job of JOBS) {
    registerJobKind(job.name, started);
    let running = false;
    const tick = async () => {
      if (running || stopping) return; // never overlap a slow round with the next
      running = true;
      try {
        await runJobOnce(job, await getDatabase(), new Date());
      } catch (err) {
        log().error({ job: job.name, err }, 'job failed');
      } finally {
        running = false;
      }
    };
    timers.push(
      setInterval(() => {
        const p = tick();
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }, job.everyMs),
    );
  }
  const loop: Loop = {
    stop: async () => {
      stopping = true;
      timers.forEach(clearInterval);
      await Promise.allSettled([...inFlight]);
    },
  };
  holder.linliJobLoop = loop;
  onShutdown('job-loop', 10, loop.stop);
  return loop;
}

/** One round of one job: its log line (job, items, ms, outcome) and metrics. Never throws. */
export async function runJobOnce(job: Job, database: Database, now: Date): Promise<number> {
  const t0 = performance.now();
  let items = 0;
  let ok = false;
  try {
    items = await job.run(database, now);
    ok = true;
  } catch (err) {
    log().error({ job: job.name, err }, 'job failed');
  }
  observeJobRun(job.name, ok, items, now);
  const ms = Math.round((performance.now() - t0) * 10) / 10;
  log().info({ job: job.name, items, ms, outcome: ok ? 'OK' : 'ERROR' }, 'job run');
  return items;
}
