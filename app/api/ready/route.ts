/**
 * Readiness: should this instance get traffic? The database answers, its migrations are those this
 * build ships, and the instance is not draining after SIGTERM. `/api/health` stays liveness.
 */
import { getDatabase } from '@/db/client';
import { withOps } from '@/server/ops/http';
import { checkReadiness } from '@/server/ops/scrape';

export const dynamic = 'force-dynamic';

export const GET = withOps('ready', async () => {
  const r = await checkReadiness(getDatabase);
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } });
});
