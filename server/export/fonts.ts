import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/**
 * The CJK font embedded in every PDF: Noto Sans SC (SIL OFL 1.1, from @fontsource/noto-sans-sc),
 * its simplified-Chinese subset, which also covers ASCII.
 *
 * Measured on this project's 2-core machine for 1,506 label lines (pdfkit 0.20, see
 * bench/pick-list.ts for the full export figures):
 *   - the .woff file as is:        ~23 s (fontkit re-reads compressed tables while subsetting), 150 KB PDF
 *   - the .woff2 file as is:       ~2.2 s, but the whole font is embedded: 4.0 MB PDF
 *   - the .woff unpacked once to a plain sfnt in memory (~80 ms, 2.5 MB buffer, cached for the
 *     process): ~0.6 s, 150 KB PDF (subset embedded)
 * so we unpack the WOFF once and hand pdfkit the sfnt: fast and small.
 */
const FONT_FILE = 'noto-sans-sc-chinese-simplified-400-normal.woff';

let cached: Buffer | null = null;

export function cjkFont(): Buffer {
  if (cached) return cached;
  const file =
    process.env.LINLI_CJK_FONT ??
    path.join(process.cwd(), 'node_modules/@fontsource/noto-sans-sc/files', FONT_FILE);
  const buf = readFileSync(file);
  cached = buf.readUInt32BE(0) === 0x774f4646 /* 'wOFF' */ ? woffToSfnt(buf) : buf;
  return cached;
}

/**
 * WOFF 1.0 → sfnt (TrueType/OpenType): each table is zlib-compressed on its own; rebuild the
 * table directory with 4-byte aligned offsets. Checksums are copied from the WOFF directory
 * (they are the uncompressed tables' checksums).
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const o = 44 + i * 20;
    const offset = woff.readUInt32BE(o + 4);
    const compLength = woff.readUInt32BE(o + 8);
    const origLength = woff.readUInt32BE(o + 12);
    const raw = woff.subarray(offset, offset + compLength);
    return {
      tag: woff.readUInt32BE(o),
      checksum: woff.readUInt32BE(o + 16),
      data: compLength < origLength ? inflateSync(raw) : raw,
    };
  });
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  let size = 12 + 16 * numTables;
  const offsets = tables.map((t) => {
    const at = size;
    size += (t.data.length + 3) & ~3;
    return at;
  });
  const out = Buffer.alloc(size);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  tables.forEach((t, i) => {
    const o = 12 + i * 16;
    out.writeUInt32BE(t.tag, o);
    out.writeUInt32BE(t.checksum, o + 4);
    out.writeUInt32BE(offsets[i]!, o + 8);
    out.writeUInt32BE(t.data.length, o + 12);
    t.data.copy(out, offsets[i]);
  });
  return out;
}
