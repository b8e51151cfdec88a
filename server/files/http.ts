/**
 * HTTP plumbing shared by the file route handlers (app/api/merchant/*, app/api/files/*): how a
 * service error becomes a status and a JSON body the upload form can put next to its field, and
 * how a stored file is sent back. Framework-free (plain Request / Response) so tests call it directly.
 */
import { RATE_LIMITED, retryAfterSeconds, type RateLimits } from '@/server/ops/rate-limits';
import type { SessionUser } from '@/server/services/shared/context';
import { isServiceError, type ServiceError } from '@/server/services/shared/errors';
import { MAX_FILE_BYTES, UploadMalformedError, UploadTooLargeError } from './upload';

type ErrorBody = {
  error: { code: string; message: string; field: string | null; details: Record<string, unknown> | null };
};

const STATUS: Record<ServiceError['kind'], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

export function jsonError(
  status: number,
  code: string,
  message: string,
  field: string | null = null,
  details: Record<string, unknown> | null = null,
) {
  const body: ErrorBody = { error: { code, message, field, details } };
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** The response for anything an upload or download handler throws; unknown errors never leak. */
export function errorResponse(e: unknown, field: string | null = null): Response {
  if (e instanceof UploadTooLargeError) {
    return jsonError(
      413,
      'FILE_TOO_LARGE',
      `文件超过 ${MAX_FILE_BYTES / 1024 / 1024} MB，请压缩或拍一张较小的照片 / The file is over ${MAX_FILE_BYTES / 1024 / 1024} MB; compress it or take a smaller photo.`,
      field,
      { limit: MAX_FILE_BYTES },
    );
  }
  if (e instanceof UploadMalformedError) {
    return jsonError(
      400,
      'UPLOAD_MALFORMED',
      '上传的内容无法读取，请重新选择文件 / The upload could not be read; choose the file again.',
      field,
    );
  }
  if (isServiceError(e)) {
    let status = STATUS[e.kind];
    if (e.code === 'FILE_TOO_LARGE') status = 413;
    if (e.code === 'FILE_TYPE_NOT_ALLOWED' || e.code === 'FILE_NAME_MISMATCH' || e.code === 'FILE_EMPTY')
      status = 415;
    return jsonError(status, e.code, e.message, e.field ?? field, e.details ?? null);
  }
  console.error('[files] unexpected error', e);
  return jsonError(
    500,
    'INTERNAL',
    '服务器出错了，请稍后再试 / Something went wrong on our side, please try again.',
    field,
  );
}

/**
 * Counts an upload against the caller's per-session limit (only when the route passes `limits`:
 * handlers called in-process are not limited). The 429 carries `Retry-After`; null means go on.
 */
export async function uploadLimitRefusal(
  limits: RateLimits | undefined,
  user: SessionUser,
  field: string | null,
): Promise<Response | null> {
  if (!limits) return null;
  try {
    await limits.consume([{ rule: 'upload-per-session', key: user.sessionId ?? user.id }]);
    return null;
  } catch (e) {
    if (!isServiceError(e) || e.code !== RATE_LIMITED) throw e;
    const res = jsonError(429, e.code, e.message, field, e.details ?? null);
    res.headers.set('Retry-After', String(retryAfterSeconds(e)));
    return res;
  }
}

/** `inline; filename="licence.jpg"; filename*=UTF-8''%E8%90%A5…`: the ASCII fallback for old clients, the real name for the rest. */
function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Types a browser may show inline: the images uploads are sniffed as. */
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

type OutgoingFile = {
  mimeType: string;
  size: number;
  sha256: string;
  body: ReadableStream<Uint8Array>;
  fileName?: string;
};

/**
 * A stored file, with the type its bytes were sniffed as (never a client's claim) and
 * `nosniff`, so a browser never second-guesses it into something executable.
 */
export function fileResponse(
  req: Request,
  file: OutgoingFile,
  opts: { disposition: 'inline' | 'attachment'; cache: 'private' | 'public' },
): Response {
  const etag = `"${file.sha256}"`;
  const headers = new Headers({
    'Content-Type': file.mimeType,
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    'Cache-Control': opts.cache === 'private' ? 'private, no-cache' : 'public, max-age=86400',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  });
  // Only the image types uploads are sniffed as may open in the browser; anything else (a PDF, or
  // whatever a future upload type allows) is a download, never rendered on our origin.
  const disposition = INLINE_TYPES.has(file.mimeType) ? opts.disposition : 'attachment';
  headers.set(
    'Content-Disposition',
    file.fileName ? contentDisposition(disposition, file.fileName) : disposition,
  );
  if (req.headers.get('if-none-match') === etag) {
    void file.body.cancel();
    return new Response(null, { status: 304, headers });
  }
  headers.set('Content-Length', String(file.size));
  return new Response(file.body, { status: 200, headers });
}
