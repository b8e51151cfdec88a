/**
 * Starts Linli as `npm start` would (production build, demo compound, Stripe mock), on its own
 * port and a throw-away embedded database, for the browser journeys.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    artifactsDir: string;
  }
}

const checkout = path.resolve(import.meta.dirname, '../..');

/** Refuses a taken port: the health check would otherwise pass against an earlier run's server. */
async function assertPortFree(port: number) {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () =>
      reject(
        new Error(`port ${port} is taken (an earlier run's server still up?); free it or set BROWSER_PORT`),
      ),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server at ${url} not healthy after ${timeoutMs} ms`);
}

/**
 * A Linli server as `npm start` runs it, on `port` (its Stripe mock on port+11) with a throw-away
 * demo database. The journeys share one (setup below); a journey that must not share state with
 * the others starts its own (tests/browser/shared-phone.test.ts). `root` is another built checkout
 * (bench/pages.ts --before measures an earlier commit beside this one).
 */
export async function startServer(
  port: number,
  opts: { root?: string } = {},
): Promise<{ baseURL: string; stop: () => Promise<void> }> {
  const root = opts.root ?? checkout;
  await assertPortFree(port);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-browser-'));
  const baseURL = `http://localhost:${port}`;
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.STRIPE_SECRET_KEY;
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'server/cli/start.ts'],
    {
      cwd: root,
      env: {
        ...env,
        PORT: String(port),
        PGLITE_DIR: path.join(dataDir, 'pglite'),
        FILE_STORAGE_DIR: path.join(dataDir, 'files'),
        STRIPE_MOCK_PORT: String(port + 11),
        LINLI_DEMO: '1',
        // Short dwell for the disinfection journey (a test setting).
        LINLI_TEST_DWELL_SECONDS: process.env.LINLI_TEST_DWELL_SECONDS ?? '3',
        // 提前截单's undo window, shortened so a journey can close a relay and go on to deliver it.
        LINLI_TEST_CLOSE_UNDO_SECONDS: '40',
        AUTH_SECRET: 'browser-test-secret',
        // Every journey signs in from this one address: keep the per-client limits on, but roomy.
        RATE_LIMIT_OTP_PER_IP: '1000/600',
        RATE_LIMIT_SIGNIN_PER_IP: '1000/600',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  await waitForHealth(baseURL, child, 240_000);
  return {
    baseURL,
    // Removes the data only once the server has exited: it saves the Stripe mock's state on the way out.
    stop: async () => {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('Debian chromium is missing: apt-get install -y chromium');
  if (!existsSync(path.join(checkout, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID'))) {
    const r = spawnSync(process.execPath, [path.join(checkout, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: checkout,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('next build failed');
  }
  const artifactsDir = path.resolve(process.env.ARTIFACTS_DIR ?? path.join(checkout, 'artifacts'));
  mkdirSync(path.join(artifactsDir, 'screenshots'), { recursive: true });
  const port = Number(process.env.BROWSER_PORT ?? 3100);
  const server = await startServer(port);
  const baseURL = server.baseURL;
  console.log(`[browser] Linli at ${baseURL}; screenshots in ${path.join(artifactsDir, 'screenshots')}`);
  project.provide('baseURL', baseURL);
  project.provide('artifactsDir', artifactsDir);
  return server.stop;
}
