/**
 * Once per server process (from instrumentation.ts): the job loop, closing the database last when
 * the instance drains, and a log line with the request id for errors Next catches itself (a page
 * or route that throws outside `withOps`).
 */
import { getDatabase } from '@/db/client';
import { startJobLoop } from '@/server/jobs/loop';
import { claimPgliteOwnership } from './backup-local';
import { onShutdown } from './lifecycle';
import { log } from './log';

export function boot(): void {
  // Printed bag labels and gate codes are signed with BAG_CODE_SECRET; a production server never
  // signs them with a constant, so it does not start without one (npm start creates it).
  if (process.env.NODE_ENV === 'production' && !process.env.BAG_CODE_SECRET) {
    log().fatal(
      { event: 'config' },
      '[linli] refusing to start: BAG_CODE_SECRET is not set (a long random secret; `npm start` keeps one in .data/)',
    );
    process.exit(78);
  }
  // `npm run db:backup` asks this process for the backup while it owns the embedded database.
  if (!process.env.DATABASE_URL) claimPgliteOwnership(Number(process.env.PORT ?? 3000));
  if (process.env.LINLI_JOBS !== '0') startJobLoop();
  onShutdown('database', 90, async () => {
    // Only a database this process opened (getDatabase caches it on globalThis).
    const opened = (globalThis as { linliDatabase?: Promise<unknown> }).linliDatabase;
    if (opened) await (await getDatabase()).close();
  });
}

type NextRequestInfo = {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
};
type NextErrorContext = { routerKind: string; routePath: string; routeType: string };

export function logRequestError(err: unknown, request: NextRequestInfo, context: NextErrorContext): void {
  const id = request.headers['x-request-id'];
  log().error(
    {
      requestId: (Array.isArray(id) ? id[0] : id) ?? null,
      route: context.routePath,
      routeType: context.routeType,
      method: request.method,
      status: 500,
      digest: (err as { digest?: string } | null)?.digest ?? null,
      err,
    },
    'request error',
  );
}
