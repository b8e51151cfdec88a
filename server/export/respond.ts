import type { Database } from '@/db/client';
import {
  preparePickListExport,
  type PreparePickListExportInput,
} from '@/server/services/picklist/prepare-pick-list-export';
import type { SessionUser } from '@/server/services/shared/context';
import { isServiceError, type ServiceErrorKind } from '@/server/services/shared/errors';
import { assertSafeText } from '@/server/services/shared/zod';
import { renderExport } from './render';
import type { ExportLocale } from './text';

const STATUS: Record<ServiceErrorKind, number> = {
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

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name, so Chinese file names survive every browser. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The whole export request: checks (in the service), then a streamed body. Errors are a JSON
 * body `{ error: { code, message } }` with the matching HTTP status; an unexpected failure is
 * logged and answered with a generic 500 that says nothing about the cause.
 */
export async function exportResponse(args: {
  database: Database;
  user: SessionUser | null;
  input: PreparePickListExportInput;
  locale: ExportLocale;
  now?: () => Date;
}): Promise<Response> {
  const ctx = {
    database: args.database,
    db: args.database.db,
    user: args.user,
    now: args.now ?? (() => new Date()),
  };
  try {
    assertSafeText(args.input);
    const { pickList, view, format } = await preparePickListExport({ ctx, input: args.input });
    const out = renderExport(pickList, view, format, args.locale);
    return new Response(out.stream, {
      status: 200,
      headers: {
        'Content-Type': out.contentType,
        'Content-Disposition': contentDisposition(out.filename),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        // What the download holds, for the page's progress line (the size is not known up front).
        'X-Linli-Bags': String(pickList.grand.bags),
      },
    });
  } catch (e) {
    if (isServiceError(e)) return errorResponse(STATUS[e.kind], e.code, e.message);
    console.error('[export] failed', e);
    return errorResponse(
      500,
      'INTERNAL',
      '服务器出错了，请稍后再试 / Something went wrong on our side, please try again.',
    );
  }
}
