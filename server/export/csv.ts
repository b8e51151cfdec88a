import Papa from 'papaparse';
import type { Cell, Column, Table } from './tables';
import { fenToYuan } from '@/server/services/shared/money';

/** Excel and WPS only read a CSV as UTF-8 when it starts with a byte-order mark. */
export const UTF8_BOM = '\uFEFF';
const ROWS_PER_CHUNK = 250;

/** Numbers stay numbers, so a basement floor `-1` is not mistaken for a formula and escaped. */
function render(columns: Column[], row: Cell[]): (string | number)[] {
  return row.map((v, i) => {
    if (v === null || v === undefined) return '';
    if (columns[i]?.kind === 'money' && typeof v === 'number') return fenToYuan(v);
    return v;
  });
}

/**
 * One table as CSV (RFC 4180, CRLF), streamed in chunks so a 1,500-bag list starts downloading
 * at once. Quoting and escaping are papaparse's; cells that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@` first) are escaped by papaparse's `escapeFormulae`.
 */
export function csvStream(table: Table): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const it = table.rows[Symbol.iterator]();
  const unparse = (rows: (string | number)[][]) =>
    Papa.unparse(rows, { header: false, newline: '\r\n', escapeFormulae: true, quotes: false }) + '\r\n';
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + unparse([table.columns.map((c) => c.header)])));
        return;
      }
      if (done) return;
      const chunk: (string | number)[][] = [];
      while (chunk.length < ROWS_PER_CHUNK) {
        const next = it.next();
        if (next.done) {
          done = true;
          break;
        }
        chunk.push(render(table.columns, next.value));
      }
      if (done && table.footer) chunk.push(render(table.columns, table.footer));
      if (chunk.length) controller.enqueue(encoder.encode(unparse(chunk)));
      if (done) controller.close();
    },
  });
}
