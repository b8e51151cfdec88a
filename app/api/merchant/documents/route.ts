import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { rateLimitsFor } from '@/server/ops/rate-limits';
import { handleDocumentUpload } from './handler';

export const dynamic = 'force-dynamic';

/** Upload of an application document (multipart); see handler.ts. */
export async function POST(req: Request) {
  const database = await getDatabase();
  return handleDocumentUpload(req, {
    user: await getSessionUser(),
    database,
    limits: rateLimitsFor(database),
  });
}
