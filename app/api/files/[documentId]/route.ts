import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { handleDocumentDownload } from './handler';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ documentId: string }> }) {
  const { documentId } = await params;
  return handleDocumentDownload(req, documentId, {
    user: await getSessionUser(),
    database: await getDatabase(),
  });
}
