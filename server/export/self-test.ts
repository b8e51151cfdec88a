import type { Database } from '@/db/client';
import { prepareSelfTestExport } from '@/server/services/health/prepare-self-test-export';
import type { SessionUser } from '@/server/services/shared/context';
import { isServiceError } from '@/server/services/shared/errors';
import { csvStream } from './csv';
import { contentDisposition } from './respond';
import type { Column, Table } from './tables';
import { xlsxStream } from './xlsx';

/** The form's own columns, in its order (the compound's 金山表单). */
const SELF_TEST_HEADERS = ['楼道号', '实际人数', '阴性人数', '异常人数', '无效人数', '填报人', '填报时间'];

function localTime(isoTime: string | null, timeZone: string): string | null {
  if (!isoTime) return null;
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(isoTime))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function selfTestTable(data: Awaited<ReturnType<typeof prepareSelfTestExport>>): Table {
  const kinds: Column['kind'][] = ['text', 'int', 'int', 'int', 'int', 'text', 'text'];
  const widths = [10, 10, 10, 10, 10, 12, 18];
  return {
    name: '抗原自测',
    columns: SELF_TEST_HEADERS.map((header, i) => ({ header, kind: kinds[i]!, width: widths[i]! })),
    rows: data.rows.map((r) => [
      r.label,
      r.actual,
      r.negative,
      r.abnormal,
      r.invalid,
      r.submittedBy,
      localTime(r.submittedAt, data.timezone),
    ]),
    rowCount: data.rows.length,
    footer: [
      '合计',
      data.totals.actual,
      data.totals.negative,
      data.totals.abnormal,
      data.totals.invalid,
      null,
      null,
    ],
  };
}

const STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
} as const;

/** GET the round as CSV or XLSX; errors are `{ error: { code, message } }` with the matching status. */
export async function selfTestExportResponse(args: {
  database: Database;
  user: SessionUser | null;
  input: { communityId: string; roundId: string; format: string };
  now?: () => Date;
}): Promise<Response> {
  const ctx = {
    database: args.database,
    db: args.database.db,
    user: args.user,
    now: args.now ?? (() => new Date()),
  };
  try {
    const data = await prepareSelfTestExport({ ctx, input: args.input });
    const table = selfTestTable(data);
    const xlsx = data.format === 'xlsx';
    const stream = xlsx ? xlsxStream([table], { title: data.title, creator: 'Linli' }) : csvStream(table);
    return new Response(stream, {
      status: 200,
      headers: {
        'Content-Type': xlsx
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv; charset=utf-8',
        'Content-Disposition': contentDisposition(`${data.title}.${data.format}`),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (e) {
    if (isServiceError(e))
      return Response.json({ error: { code: e.code, message: e.message } }, { status: STATUS[e.kind] });
    console.error('[export] self-test export failed', e);
    return Response.json({ error: { code: 'INTERNAL', message: 'Export failed.' } }, { status: 500 });
  }
}
