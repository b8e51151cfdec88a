/**
 * `npm start`: everything a newcomer needs for the demo on one machine.
 * 1. builds the app when there is no production build yet;
 * 2. migrates the database (embedded PGlite under .data/ unless DATABASE_URL is set) and, when it is
 *    empty, loads the demo compound;
 * 3. starts the local Stripe mock when no STRIPE_SECRET_KEY is configured;
 * 4. runs the app server (server/cli/serve.ts: Next behind a Node server that drains gracefully) on
 *    PORT (3000). SIGTERM/SIGINT (Ctrl-C) are passed on to it; this process waits until it has
 *    drained and exited, then stops the Stripe mock, then exits.
 * PGlite allows one process per data directory, so step 2 closes it before Next opens it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '@/db/client';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import { DEMO_TEST_OTPS } from '@/db/seed/demo-accounts';

const root = process.cwd();
const port = Number(process.env.PORT ?? 3000);
const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
const nextBin = path.join(root, 'node_modules/next/dist/bin/next');

function persistentSecret(name: string): string {
  const dir = path.join(root, '.data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

// A real deployment (LINLI_DEMO=0) refuses to start half-configured: one line naming what is missing.
if (env.LINLI_DEMO === '0') {
  const { productionConfigLine } = await import('@/server/config/production-check');
  const line = productionConfigLine({ ...env, NODE_ENV: 'production' });
  if (line) {
    console.error(line);
    process.exit(78);
  }
}

// The demo signs in with fixed codes for one account per role (README); LINLI_DEMO=0 turns that off.
if (env.LINLI_DEMO !== '0') {
  env.AUTH_TEST_OTPS ??= DEMO_TEST_OTPS;
  env.ALLOW_TEST_OTPS ??= '1';
  env.LINLI_DEV_OUTBOX ??= '1';
}
env.AUTH_SECRET ??= persistentSecret('auth-secret');
env.NEXTAUTH_SECRET ??= env.AUTH_SECRET;
env.NEXTAUTH_URL ??= `http://localhost:${port}`;
env.BAG_CODE_SECRET ??= persistentSecret('bag-code-secret');
// /api/metrics answers only with this token (Authorization: Bearer …); see docs/OPERATIONS.md.
env.METRICS_TOKEN ??= persistentSecret('metrics-token');

if (
  !existsSync(path.join(root, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID')) ||
  env.LINLI_REBUILD === '1'
) {
  console.log('[linli] building the app (first start only, ~1 min)…');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

{
  const database = await openDatabase({ url: env.DATABASE_URL || undefined });
  const n = await migrateDatabase(database);
  console.log(`[linli] database: ${database.driver}, ${n} migrations`);
  // A real deployment (LINLI_DEMO=0) starts empty; the demo loads the compound of the article.
  const seeded = env.LINLI_DEMO === '0' ? null : await seedDemoIfEmpty(database);
  if (seeded) console.log(`[linli] loaded the demo compound: ${seeded}`);
  await database.close();
}

let stopMock: (() => Promise<void>) | undefined;
if (!env.STRIPE_SECRET_KEY) {
  const { startStripeMock } = await import('@/server/payments/stripe-mock/server');
  const mockPort = Number(env.STRIPE_MOCK_PORT ?? 12111);
  env.STRIPE_WEBHOOK_SECRET ??= `whsec_${persistentSecret('stripe-webhook-secret')}`;
  const mock = await startStripeMock({
    port: mockPort,
    webhookUrl: `http://127.0.0.1:${port}/api/stripe/webhook`,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    // Its objects outlive a restart, beside the database they belong to.
    stateFile:
      env.PGLITE_DIR && !env.DATABASE_URL
        ? `${env.PGLITE_DIR}.stripe-mock.json`
        : path.join(root, '.data', 'stripe-mock.json'),
  });
  stopMock = () => mock.close();
  env.STRIPE_SECRET_KEY = 'sk_test_linli_mock';
  env.STRIPE_API_BASE = `http://127.0.0.1:${mockPort}`;
  console.log(`[linli] Stripe mock on ${env.STRIPE_API_BASE}`);
}

// The demo pays like production: paid demo orders get a real (succeeded) PaymentIntent in Stripe.
if (env.LINLI_DEMO !== '0') {
  const { linkDemoPayments } = await import('@/db/seed/demo-payments');
  const { createStripeClient } = await import('@/server/payments/stripe');
  const database = await openDatabase({ url: env.DATABASE_URL || undefined });
  try {
    const n = await linkDemoPayments(
      database,
      createStripeClient(env.STRIPE_API_BASE, env.STRIPE_SECRET_KEY),
    );
    if (n) console.log(`[linli] demo orders paid through Stripe: ${n} PaymentIntents`);
  } catch (e) {
    console.error('[linli] could not make the demo PaymentIntents (refunds of demo orders wait):', e);
  } finally {
    await database.close();
  }
}

// LINLI_HOST (e.g. 127.0.0.1) keeps the server off the network; by default it listens on all interfaces.
const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/cli/serve.ts')], {
  stdio: 'inherit',
  env,
});
console.log(`[linli] http://localhost:${port}`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  // The server drains (≤ 10 s of in-flight requests); a hung one is killed after 20 s.
  if (server.exitCode === null && server.signalCode === null) server.kill(signal);
  setTimeout(() => server.kill('SIGKILL'), 20_000).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
server.on('exit', (code, signal) => {
  void (stopMock?.() ?? Promise.resolve()).finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
