/**
 * Prometheus metrics of this instance (server/ops/metrics.ts), for a scraper holding
 * METRICS_TOKEN (`Authorization: Bearer <token>`). Without a configured token nobody gets them.
 */
import { timingSafeEqual } from 'node:crypto';
import { getDatabase } from '@/db/client';
import { withOps } from '@/server/ops/http';
import { log } from '@/server/ops/log';
import { metrics } from '@/server/ops/metrics';
import { collectDatabaseGauges } from '@/server/ops/scrape';

export const dynamic = 'force-dynamic';

function authorized(req: Request): boolean {
  const token = process.env.METRICS_TOKEN;
  if (!token) return false;
  const given = Buffer.from(req.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export const GET = withOps('metrics', async (req, requestId) => {
  if (!authorized(req)) {
    return Response.json(
      { error: { code: 'UNAUTHORIZED', message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' } },
      { status: 401, headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  try {
    await collectDatabaseGauges(await getDatabase());
  } catch (err) {
    log().warn({ requestId, err }, 'metrics: database gauges unavailable');
  }
  const m = metrics();
  return new Response(await m.registry.metrics(), {
    headers: { 'content-type': m.registry.contentType, 'cache-control': 'no-store' },
  });
});
