import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvStream, UTF8_BOM } from '@/server/export/csv';
import { woffToSfnt } from '@/server/export/fonts';
import { qrRuns, stackRuns } from '@/server/export/qr';
import { contentDisposition } from '@/server/export/respond';
import type { Table } from '@/server/export/tables';
import { columnLetter } from '@/server/export/xlsx';
import { filenameFrom } from '@/app/m/[merchantId]/relays/[relayId]/picklist/_components/download';

async function text(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

describe('CSV stream', () => {
  it('writes the BOM once, every row in chunks, money in yuan, and the totals row last', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => [`商品${i}`, i - 1, 1234 + i]);
    const table: Table = {
      name: 't',
      columns: [
        { header: '商品', kind: 'text', width: 10 },
        { header: '数量', kind: 'int', width: 6 },
        { header: '金额(元)', kind: 'money', width: 8 },
      ],
      rows,
      rowCount: rows.length,
      footer: ['合计', 600, null],
    };
    const { text: csv, chunks } = await text(csvStream(table));
    expect(chunks).toBeGreaterThan(2);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.indexOf(UTF8_BOM, 1)).toBe(-1);
    const parsed = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
    expect(parsed).toHaveLength(602);
    // A basement floor (-1) is a number, not a formula: no quote prefix.
    expect(parsed[1]).toEqual(['商品0', '-1', '12.34']);
    expect(parsed[600]).toEqual(['商品599', '598', '18.33']);
    expect(parsed[601]).toEqual(['合计', '600', '']);
  });
});

describe('helpers', () => {
  it('names spreadsheet columns', () => {
    expect([1, 26, 27, 52, 53, 702, 703].map(columnLetter)).toEqual([
      'A',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });
  it('sends Chinese file names with an ASCII fallback, and the page reads them back', () => {
    const d = contentDisposition('拣货单-保供"套餐"-2022-04-12-bags.csv');
    expect(d).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(d).not.toMatch(/filename="[^"]*"[^;]/);
    expect(filenameFrom(d, 'x.csv')).toBe('拣货单-保供"套餐"-2022-04-12-bags.csv');
    expect(filenameFrom('attachment; filename="a.pdf"', 'x')).toBe('a.pdf');
    expect(filenameFrom(null, 'x.pdf')).toBe('x.pdf');
  });
  it('encodes a bag code as a square QR matrix of dark runs', () => {
    const { size, runs } = qrRuns('LL1.00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAA');
    expect(size).toBe(37); // version 5
    for (const [r, c, len] of runs) {
      expect(r).toBeLessThan(size);
      expect(c + len).toBeLessThanOrEqual(size);
    }
    // The three finder patterns: the top-left corner row starts with 7 dark modules.
    expect(runs.find(([r, c]) => r === 0 && c === 0)?.[2]).toBe(7);
  });
  it('stacks equal runs of neighbouring rows into rectangles covering exactly the dark modules', () => {
    const { size, runs } = qrRuns('LL1.3f99b902-d0ee-476c-8179-9a6317cbc63a.tRokM5WxDzyHb8NUYZOyOA');
    const dark = new Set(
      runs.flatMap(([r, c, len]) => Array.from({ length: len }, (_, k) => r * size + c + k)),
    );
    const rects = stackRuns(runs);
    expect(rects.length).toBeLessThan(runs.length);
    const covered: number[] = [];
    for (const [r, c, len, h] of rects)
      for (let i = 0; i < h; i++) for (let k = 0; k < len; k++) covered.push((r + i) * size + c + k);
    // Every dark module once, nothing else.
    expect(covered.length).toBe(dark.size);
    expect(new Set(covered)).toEqual(dark);
  });
  it('refuses to unpack something that is not a WOFF font', () => {
    expect(() => woffToSfnt(Buffer.from('not a font at all, really'))).toThrow('not a WOFF file');
  });
});
