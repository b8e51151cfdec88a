/**
 * The production server under test, started the way a deployment starts it: `server/cli/start.ts`
 * (migrate, seed the demo if empty, `next start`) on a build in the bench's own dist dir. The bench
 * runs its own Stripe mock in-process (so it can replay webhooks and count refunds), which is why
 * the server gets STRIPE_SECRET_KEY / STRIPE_API_BASE and start.ts does not start one.
 *
 * Each server runs in its own process group, so `kill()` is a real `kill -9` of everything it
 * started (tsx's start.ts and its `next start` child) with no chance to flush or clean up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The bench's own Next build; never `.next`, which other people in this checkout use. */
export const DIST_DIR = process.env.BENCH_DIST_DIR || '.next-bench';
export const LOG_DIR = path.join(ROOT, 'artifacts/bench');

/** The newest modification time of what goes into the build (sources, messages, config, lock file). */
function newestSourceMs(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['app', 'server', 'db', 'public'])
    if (existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  // Not tsconfig.json: every `next build` in this checkout rewrites it.
  for (const f of ['instrumentation.ts', 'next.config.js', 'package.json', 'package-lock.json']) {
    if (existsSync(path.join(ROOT, f))) newest = Math.max(newest, statSync(path.join(ROOT, f)).mtimeMs);
  }
  return newest;
}

/**
 * `next build` into the bench dist dir, like start.ts "if needed": skipped when the build there is
 * newer than every source file (BENCH_REBUILD=1 forces it; BENCH_SKIP_BUILD=1 takes any build).
 * Returns the build time in ms (0 when skipped).
 */
export function buildApp(): number {
  const started = performance.now();
  const buildId = path.join(ROOT, DIST_DIR, 'BUILD_ID');
  if (existsSync(buildId) && process.env.BENCH_REBUILD !== '1') {
    if (process.env.BENCH_SKIP_BUILD === '1') {
      console.error(`[bench] using the existing build in ${DIST_DIR} (BENCH_SKIP_BUILD=1)`);
      return 0;
    }
    if (statSync(buildId).mtimeMs > newestSourceMs()) {
      console.error(
        `[bench] the build in ${DIST_DIR} is newer than every source file: not rebuilding (BENCH_REBUILD=1 forces it)`,
      );
      return 0;
    }
  }
  console.error(`[bench] next build → ${DIST_DIR} …`);
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build', '--webpack'],
    {
      cwd: ROOT,
      env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    throw new Error(`next build failed (exit ${r.status})`);
  }
  return performance.now() - started;
}

/**
 * Servers run detached (their own process group, so kill -9 reaches all of them): if the bench
 * itself is interrupted or crashes, take them down with it rather than leave them on their ports.
 */
const running = new Set<number>();
let reaperInstalled = false;
function installReaper() {
  if (reaperInstalled) return;
  reaperInstalled = true;
  const reap = () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    running.clear();
  };
  process.on('exit', reap);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      reap();
      process.exit(130);
    });
  }
}

export type ServerOptions = {
  name: string;
  port: number;
  /** Environment on top of the bench's: DATABASE_URL or PGLITE_DIR, secrets, Stripe. */
  env: Record<string, string>;
  /** Extra node flags for the server processes (e.g. --cpu-prof). */
  nodeOptions?: string;
};

export class BenchServer {
  readonly url: string;
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;
  private lineListeners = new Set<(line: string) => void>();
  private exited: Promise<number | null> = Promise.resolve(null);
  private starts = 0;

  constructor(readonly opts: ServerOptions) {
    this.url = `http://127.0.0.1:${opts.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Called with every line the server prints (stdout and stderr). */
  onLine(fn: (line: string) => void): () => void {
    this.lineListeners.add(fn);
    return () => this.lineListeners.delete(fn);
  }

  async start(timeoutMs = 120_000): Promise<number> {
    if (this.child) throw new Error(`${this.opts.name} is already running`);
    const started = performance.now();
    mkdirSync(LOG_DIR, { recursive: true });
    this.starts++;
    this.log = createWriteStream(path.join(LOG_DIR, `${this.opts.name}.log`), {
      flags: this.starts === 1 ? 'w' : 'a',
    });
    this.log.write(`\n===== start #${this.starts} ${new Date().toISOString()} =====\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: DIST_DIR,
      PORT: String(this.opts.port),
      // Loopback only: the bench's servers have no business on the network.
      LINLI_HOST: '127.0.0.1',
      NEXTAUTH_URL: this.url,
      // The bench reads its sign-in codes from the server's output (bench/lib/sessions.ts).
      OTP_LOG_CODES: '1',
      // 1,000 households sign in and join from one address: the per-client limits would refuse them.
      RATE_LIMITS: 'off',
      ...this.opts.env,
    };
    if (this.opts.nodeOptions)
      env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${this.opts.nodeOptions}`.trim();
    // `node --import tsx` rather than the tsx CLI: one process less between us and `next start`.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/start.ts'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    installReaper();
    if (child.pid) running.add(child.pid);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const feed = (stream: NodeJS.ReadableStream | null) => {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.log?.write(chunk);
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          for (const fn of this.lineListeners) fn(line);
        }
      });
    };
    feed(child.stdout);
    feed(child.stderr);

    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone)
        throw new Error(
          `${this.opts.name} exited during start; see ${path.join(LOG_DIR, `${this.opts.name}.log`)}`,
        );
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - started;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    await this.kill();
    throw new Error(`${this.opts.name} did not become healthy within ${timeoutMs} ms`);
  }

  /** Sends a signal to every process of the server (e.g. SIGUSR2 to the CPU profiler hook). */
  signalAll(sig: NodeJS.Signals): void {
    if (this.child?.pid) process.kill(-this.child.pid, sig);
  }

  /** `kill -9` of the whole process group: no shutdown hooks, no flushing. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** A clean stop (SIGTERM to the group; SIGKILL after 15 s). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM', 15_000);
  }

  private async signal(sig: NodeJS.Signals, graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
    // The group may outlive its leader for a moment (next start's own children): make sure it is gone.
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        break;
      }
      if (i === 10) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await sleep(100);
    }
    running.delete(child.pid);
    this.child = null;
    await new Promise<void>((r) => (this.log ? this.log.end(r) : r()));
    this.log = null;
  }
}
