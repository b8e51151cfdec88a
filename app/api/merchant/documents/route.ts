import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { handleDocumentUpload } from './handler';

export const dynamic = 'force-dynamic';

/** Upload of an application document (multipart); see handler.ts. */
export async function POST(req: Request) {
  return handleDocumentUpload(req, { user: await getSessionUser(), database: await getDatabase() });
}
