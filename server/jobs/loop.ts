import { getDatabase } from '@/db/client';
import { JOBS } from './index';

type Holder = { linliJobLoop?: { stop: () => void } };
const holder = globalThis as unknown as Holder;

/** Starts every job on its interval in this process (once per process). */
export function startJobLoop(): { stop: () => void } {
  if (holder.linliJobLoop) return holder.linliJobLoop;
  const timers: NodeJS.Timeout[] = [];
  for (const job of JOBS) {
    let running = false;
    const tick = async () => {
      if (running) return; // never overlap a slow round with the next
      running = true;
      try {
        await job.run(await getDatabase(), new Date());
      } catch (e) {
        console.error(`[jobs] ${job.name} failed`, e);
      } finally {
        running = false;
      }
    };
    timers.push(setInterval(() => void tick(), job.everyMs));
  }
  holder.linliJobLoop = { stop: () => timers.forEach(clearInterval) };
  return holder.linliJobLoop;
}
