/**
 * Reading a roster file as a table of cells. CSV (UTF-8, UTF-16 with BOM, or GB18030 — what
 * Excel on a Chinese Windows saves) or XLSX (first sheet with data). The bytes decide the format,
 * not the name or the browser's content type, which phones often get wrong.
 */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { badRequest } from '@/server/services/shared/errors';

export const MAX_ROSTER_FILE_BYTES = 5 * 1024 * 1024;

export type RosterFileFormat = 'csv' | 'xlsx';
export type Table = string[][];

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return sig.every((b, i) => bytes[i] === b);
}

export function detectFormat(bytes: Uint8Array): RosterFileFormat | 'xls' | 'binary' {
  if (startsWith(bytes, ZIP)) return 'xlsx';
  if (startsWith(bytes, OLE)) return 'xls';
  const probe = bytes.subarray(0, 4096);
  const utf16 = (probe[0] === 0xff && probe[1] === 0xfe) || (probe[0] === 0xfe && probe[1] === 0xff);
  if (!utf16 && probe.includes(0)) return 'binary';
  return 'csv';
}

/** Text of a CSV file, whatever encoding a spreadsheet program chose. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function parseCsv(text: string): Table {
  const result = Papa.parse<string[]>(text, {
    skipEmptyLines: false,
    delimitersToGuess: [',', '\t', ';', '|'],
  });
  const rows = result.data.map((r) => r.map((c) => (c ?? '').toString()));
  // Papa yields one [""] row for the final newline; a trailing empty row is not a line of data.
  while (rows.length > 0 && rows[rows.length - 1]!.every((c) => c.trim() === '')) rows.pop();
  return rows;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value)
      return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return cellText((value as { text: ExcelJS.CellValue }).text);
    if ('error' in value) return '';
  }
  return '';
}

async function parseXlsx(bytes: Uint8Array): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer,
    );
  } catch {
    throw unreadable();
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) return [];
  const table: Table = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    table.push(cells);
  }
  while (table.length > 0 && table[table.length - 1]!.every((c) => c.trim() === '')) table.pop();
  return table;
}

const unreadable = () =>
  badRequest(
    'UNREADABLE_FILE',
    '无法读取该文件，请另存为 .xlsx 或 .csv 后再试 / This file cannot be read; save it as .xlsx or .csv and try again.',
    {
      field: 'file',
    },
  );

/** The table in a roster file; BAD_REQUEST for what is not a readable CSV or XLSX. */
export async function readRosterFile(bytes: Uint8Array): Promise<{ format: RosterFileFormat; table: Table }> {
  if (bytes.byteLength === 0)
    throw badRequest('EMPTY_FILE', '文件是空的 / The file is empty.', { field: 'file' });
  if (bytes.byteLength > MAX_ROSTER_FILE_BYTES) {
    throw badRequest('FILE_TOO_LARGE', '文件超过 5 MB / The file is larger than 5 MB.', {
      field: 'file',
      details: { limit: MAX_ROSTER_FILE_BYTES },
    });
  }
  const format = detectFormat(bytes);
  if (format === 'xls') {
    throw badRequest(
      'XLS_NOT_SUPPORTED',
      '不支持旧版 .xls，请另存为 .xlsx 或 .csv / Old .xls files are not supported; save as .xlsx or .csv.',
      {
        field: 'file',
      },
    );
  }
  if (format === 'binary') throw unreadable();
  if (format === 'xlsx') return { format, table: await parseXlsx(bytes) };
  return { format, table: parseCsv(decodeText(bytes)) };
}
