/**
 * One contender in the cutoff drill: waits until BENCH_CUTOFF_AT (epoch ms), then runs the relay
 * cutoff job (`relayCutoffJob.run`, what every app instance's loop runs) a few rounds, and prints
 * how many relays it handled as one JSON line. Two of these start at the same instant against the
 * same PostgreSQL, beside two app instances running their own loops, so the cutoff really is
 * contended. Needs DATABASE_URL and the Stripe settings of the app (refunds go to the same mock).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '@/db/client';
import { relayCutoffJob } from '@/server/jobs/relay-cutoff';

const at = Number(process.env.BENCH_CUTOFF_AT);
const rounds = Number(process.env.BENCH_CUTOFF_ROUNDS ?? 5);
const url = process.env.DATABASE_URL;
if (!url || !Number.isFinite(at)) throw new Error('DATABASE_URL and BENCH_CUTOFF_AT are required');

const database = await openDatabase({ url, max: 4 });
try {
  await sleep(Math.max(0, at - Date.now()));
  let handled = 0;
  const errors: string[] = [];
  for (let i = 0; i < rounds; i++) {
    try {
      handled += await relayCutoffJob.run(database, new Date());
    } catch (e) {
      errors.push(String((e as Error).message ?? e).slice(0, 200));
    }
    await sleep(300);
  }
  console.log(JSON.stringify({ pid: process.pid, handled, errors }));
} finally {
  await database.close();
}
