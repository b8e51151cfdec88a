import type { Database } from '@/db/client';
import { errorResponse, fileResponse, jsonError } from '@/server/files/http';
import { readMerchantDocument } from '@/server/services/merchant/read-merchant-document';
import type { SessionUser } from '@/server/services/shared/context';
import { isServiceError } from '@/server/services/shared/errors';

export type DownloadDeps = { user: SessionUser | null; database: Database; now?: () => Date };

/**
 * GET /api/files/<documentId>[?download=1]: an application document, for the merchant's members
 * and the coordinators of a compound it applied to; 404 for everyone else, signed in or not, and
 * for anything that is not a document id (the id is looked up in the database; no part of the URL
 * ever becomes a path on disk).
 */
export async function handleDocumentDownload(
  req: Request,
  documentId: string,
  deps: DownloadDeps,
): Promise<Response> {
  try {
    const file = await readMerchantDocument({
      ctx: {
        database: deps.database,
        db: deps.database.db,
        user: deps.user,
        now: deps.now ?? (() => new Date()),
      },
      input: { documentId },
    });
    const download = new URL(req.url).searchParams.get('download') === '1';
    return fileResponse(req, file, { disposition: download ? 'attachment' : 'inline', cache: 'private' });
  } catch (e) {
    if (isServiceError(e) && e.kind === 'NOT_FOUND') return jsonError(404, e.code, e.message);
    return errorResponse(e);
  }
}
