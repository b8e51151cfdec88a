import type { Database } from '@/db/client';
import { errorResponse, jsonError, uploadLimitRefusal } from '@/server/files/http';
import type { RateLimits } from '@/server/ops/rate-limits';
import { fileFromForm, readMultipart, textField } from '@/server/files/upload';
import { DOCUMENT_KINDS, type DocumentKind } from '@/server/services/merchant/rules';
import { uploadMerchantDocument } from '@/server/services/merchant/upload-merchant-document';
import type { SessionUser } from '@/server/services/shared/context';

export type HandlerDeps = {
  user: SessionUser | null;
  database: Database;
  now?: () => Date;
  /** The per-session upload limit; the route passes it, in-process callers do not. */
  limits?: RateLimits;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * POST multipart/form-data { merchantId, kind, file } → 201 { document, renewed }.
 * Errors are JSON `{ error: { code, message, field } }` with `field` = `documents.<kind>`, so the
 * wizard shows them under the right upload button: 413 over 10 MB (cut off while streaming),
 * 415 a type that is not JPEG/PNG/WebP/PDF or a name that lies about it, 404 not your merchant.
 */
export async function handleDocumentUpload(req: Request, deps: HandlerDeps): Promise<Response> {
  if (!deps.user) return jsonError(401, 'AUTH_REQUIRED', '请先登录 / Please sign in first.');
  const kindParam = new URL(req.url).searchParams.get('kind');
  let field: string | null =
    kindParam && (DOCUMENT_KINDS as readonly string[]).includes(kindParam) ? `documents.${kindParam}` : null;
  const limited = await uploadLimitRefusal(deps.limits, deps.user, field);
  if (limited) return limited;
  try {
    const form = await readMultipart(req);
    const merchantId = textField(form, 'merchantId');
    const kind = textField(form, 'kind');
    if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
      return jsonError(400, 'DOCUMENT_KIND_INVALID', '证件类型无效 / Unknown document kind.', 'kind');
    }
    field = `documents.${kind}`;
    if (!UUID.test(merchantId))
      return jsonError(404, 'MERCHANT_NOT_FOUND', '找不到该商家 / Merchant not found.', field);
    const { bytes, fileName } = await fileFromForm(form, 'file');
    const result = await uploadMerchantDocument({
      ctx: {
        database: deps.database,
        db: deps.database.db,
        user: deps.user,
        now: deps.now ?? (() => new Date()),
      },
      input: { merchantId, kind: kind as DocumentKind, fileName, bytes },
    });
    return Response.json(result, { status: 201, headers: { 'Cache-Control': 'no-store' } });
  } catch (e) {
    return errorResponse(e, field);
  }
}
