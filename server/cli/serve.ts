/**
 * The production HTTP server (what `npm start` runs): Next's request handler on a Node HTTP server
 * this file owns, so that a stop is graceful. On SIGTERM/SIGINT the instance
 * 1. answers /api/ready with 503 and stops accepting connections (idle keep-alive ones close,
 *    busy ones get `connection: close` on their last answer);
 * 2. ends live-update streams with a retry hint (pages reconnect, to another instance) and lets the
 *    job loop finish the round it holds;
 * 3. waits for in-flight requests, at most DRAIN_TIMEOUT_MS (10 s), then cuts what is left;
 * 4. closes the database and exits 0.
 * Every request gets an `x-request-id` (kept when a proxy sent a sane one) before Next sees it.
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import next from 'next';
import { REQUEST_ID_HEADER, requestIdFrom } from '@/server/ops/http';
import { beginDrain, isShuttingDown, runShutdownHooks } from '@/server/ops/lifecycle';
import { log } from '@/server/ops/log';
import { CLIENT_IP_HEADER } from '@/server/ops/rate-limits';
import { brotliStaticFile, sendBrotliStatic } from '@/server/ops/static-brotli';
import { isJoinRequest } from '@/server/api/join-path';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.LINLI_HOST || undefined;
const drainMs = Number(process.env.DRAIN_TIMEOUT_MS ?? 10_000);
// Behind one reverse proxy (LINLI_TRUST_PROXY=1), the client is the address that proxy appended last
// to X-Forwarded-For; otherwise the socket's peer. Never a header the client chose.
const trustProxy = process.env.LINLI_TRUST_PROXY === '1';

function clientAddress(req: import('node:http').IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
  const last = list[list.length - 1]?.trim();
  return (trustProxy && last) || req.socket.remoteAddress || 'unknown';
}

process.on('uncaughtException', (err) => log().error({ err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => log().error({ err }, 'unhandled rejection'));

const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? 'localhost', port });
await app.prepare();
const handle = app.getRequestHandler();
const distDir = process.env.NEXT_DIST_DIR || '.next';

/** Loaded after start (it pulls in the services under tsx), then once. */
let joinModule: Promise<typeof import('@/server/api/join-route')> | null = null;
const joinRoute = () => (joinModule ??= import('@/server/api/join-route'));

const server = createServer((req, res) => {
  const id = requestIdFrom({ get: (n) => (req.headers[n] as string | undefined) ?? null });
  req.headers[REQUEST_ID_HEADER] = id;
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  if (isShuttingDown()) res.setHeader('connection', 'close');
  if (isJoinRequest(req)) {
    // The join's lean path (server/api/join-route.ts); anything it does not take goes to Next.
    void joinRoute()
      .then((m) => m.handleJoinRequest(req, res))
      .then(async (handled) => {
        if (!handled) await handle(req, res);
      })
      .catch((err: unknown) => {
        log().error({ requestId: id, route: 'join', err }, 'unhandled error');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', requestId: id } }));
      });
    return;
  }
  const brotli = brotliStaticFile(req, distDir);
  if (brotli)
    void sendBrotliStatic(req, res, brotli).then(async (sent) => {
      if (!sent) await handle(req, res);
    });
  else void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  log().info({ event: 'listening', port, hostname: hostname ?? '*' }, `ready on port ${port}`);
  void joinRoute().catch((err: unknown) => log().error({ err }, 'join path failed to load'));
});

let draining: Promise<void> | null = null;
async function drain(signal: string): Promise<void> {
  const t0 = Date.now();
  log().info({ event: 'shutdown', signal }, 'draining');
  beginDrain();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Streams end and the job loop's round finishes (each bounded by the drain time).
  await runShutdownHooks({ below: 50, timeoutMs: drainMs });
  const left = Math.max(0, drainMs - (Date.now() - t0));
  const finished = await Promise.race([closed.then(() => true), sleep(left).then(() => false)]);
  if (!finished) {
    log().warn(
      { event: 'shutdown', afterMs: drainMs },
      'requests still open after the drain time: cutting them',
    );
    server.closeAllConnections();
  }
  await runShutdownHooks({ timeoutMs: 5000 });
  log().info({ event: 'shutdown', ms: Date.now() - t0 }, 'stopped');
  process.exit(0);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    draining ??= drain(signal).catch((err) => {
      log().error({ err }, 'shutdown failed');
      process.exit(1);
    });
  });
}
