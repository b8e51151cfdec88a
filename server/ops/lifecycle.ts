/**
 * This instance's life: serving, or draining after SIGTERM/SIGINT. The custom server
 * (server/cli/serve.ts) starts the drain; modules that hold something open (live streams, the job
 * loop, the database) register a hook here and are told once. State lives on globalThis because
 * the server and Next's route bundles load this module separately.
 */
import { log } from './log';
import { metrics } from './metrics';

type Hook = { name: string; order: number; run: () => Promise<void> | void };
type State = { draining: boolean; hooks: Hook[]; done: Promise<void> | null };
type Holder = { linliLifecycle?: State };
const holder = globalThis as unknown as Holder;

function state(): State {
  holder.linliLifecycle ??= { draining: false, hooks: [], done: null };
  return holder.linliLifecycle;
}

export function isShuttingDown(): boolean {
  return state().draining;
}

/**
 * Runs `run` when the instance drains. Lower `order` runs first and is awaited before the next
 * order starts (streams and jobs at 10, the database at 90). Registering twice by name replaces.
 */
export function onShutdown(name: string, order: number, run: Hook['run']): void {
  const s = state();
  s.hooks = s.hooks.filter((h) => h.name !== name);
  s.hooks.push({ name, order, run });
}

/** Marks the instance as draining (readiness answers 503 from now on). */
export function beginDrain(): void {
  state().draining = true;
  metrics().shuttingDown.set(1);
}

/** Runs the hooks of `order` < `below` (or all); each hook at most once, each bounded by `timeoutMs`. */
export async function runShutdownHooks(opts: { below?: number; timeoutMs?: number } = {}): Promise<void> {
  const s = state();
  const mine = s.hooks.filter((h) => h.order < (opts.below ?? Infinity)).sort((a, b) => a.order - b.order);
  s.hooks = s.hooks.filter((h) => !mine.includes(h));
  const orders = [...new Set(mine.map((h) => h.order))];
  for (const order of orders) {
    await Promise.all(
      mine
        .filter((h) => h.order === order)
        .map(async (h) => {
          const started = Date.now();
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              Promise.resolve().then(h.run),
              new Promise((_, reject) => {
                timer = setTimeout(
                  () => reject(new Error(`did not finish in ${opts.timeoutMs} ms`)),
                  opts.timeoutMs ?? 10_000,
                );
              }),
            ]);
            log().info({ event: 'shutdown', hook: h.name, ms: Date.now() - started }, 'shutdown step done');
          } catch (err) {
            log().error({ event: 'shutdown', hook: h.name, err }, 'shutdown step failed');
          } finally {
            clearTimeout(timer);
          }
        }),
    );
  }
}
