import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell, Column, Table } from './tables';

/** Column letter for 1-based index: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const MONEY_FMT = '#,##0.00';

function value(col: Column | undefined, v: Cell): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  // Money as a number in yuan, so the spreadsheet can sum it; the data stays fen until here.
  if (col?.kind === 'money' && typeof v === 'number') return v / 100;
  return v;
}

/** Sheet names: ≤ 31 characters, none of []:*?/\ (Excel refuses the file otherwise). */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/**
 * A workbook with one sheet per table, written with exceljs' streaming writer so rows leave as
 * they are made: frozen header row, widths set per column, number formats for money, and a bold
 * totals row whose numeric cells are SUM formulas (with the computed result cached, so viewers
 * that do not recalculate still show it).
 */
export function xlsxStream(
  tables: Table[],
  meta: { title: string; creator: string },
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = meta.creator;
  wb.title = meta.title;
  wb.created = new Date();
  void (async () => {
    for (const table of tables) {
      const ws = wb.addWorksheet(sheetName(table.name), {
        views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
        pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
      });
      ws.columns = table.columns.map((c, i) => ({
        key: String(i),
        width: c.width,
        style: c.kind === 'money' ? { numFmt: MONEY_FMT } : c.kind === 'int' ? { numFmt: '0' } : {},
      }));
      const header = ws.addRow(table.columns.map((c) => c.header));
      header.font = { bold: true };
      header.alignment = { vertical: 'middle', wrapText: true };
      header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
      header.commit();
      let n = 0;
      for (const row of table.rows) {
        ws.addRow(row.map((v, i) => value(table.columns[i], v))).commit();
        // Let the zip stream drain now and then instead of holding the whole sheet in memory.
        if (++n % 500 === 0) await new Promise((r) => setImmediate(r));
      }
      if (table.footer) {
        const last = n + 1;
        const cells = table.footer.map((v, i): ExcelJS.CellValue => {
          const col = table.columns[i];
          if (typeof v === 'number' && col && col.kind !== 'text' && !col.noSum && n > 0) {
            const L = columnLetter(i + 1);
            return { formula: `SUM(${L}2:${L}${last})`, result: value(col, v) as number };
          }
          return value(col, v);
        });
        const footer = ws.addRow(cells);
        footer.font = { bold: true };
        footer.border = { top: { style: 'thin' } };
        footer.commit();
      }
      ws.commit();
    }
    await wb.commit();
  })().catch((e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
