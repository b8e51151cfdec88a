import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/**
 * A fixed mask pattern: any of the eight is valid (the mask is written into the code's format
 * information); letting the library score all eight costs more than half of the encoding time
 * per label. The export test decodes a printed label to check it scans.
 */
const MASK_PATTERN = 2;

/**
 * Dark runs of a QR code, row by row: `[row, startCol, length]`. Drawing runs instead of single
 * modules keeps a label sheet of 1,500 codes small and fast (one path per code).
 */
export function qrRuns(text: string): { size: number; runs: [number, number, number][] } {
  // One explicit byte segment: given a bare string, the library searches for the optimal mix of
  // segment modes with a shortest-path graph per code, which dominated label time.
  const { modules } = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: MASK_PATTERN,
  });
  const { size, data } = modules;
  const runs: [number, number, number][] = [];
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (data[r * size + c]) {
        const start = c;
        while (c < size && data[r * size + c]) c++;
        runs.push([r, start, c - start]);
      } else c++;
    }
  }
  return { size, runs };
}

/**
 * Runs stacked into rectangles `[row, col, len, height]`: a run with the same start and length as
 * one in the row above extends that rectangle instead of starting its own (fewer bytes to write
 * and compress, the same dark area).
 */
export function stackRuns(runs: readonly [number, number, number][]): [number, number, number, number][] {
  type Rect = [number, number, number, number];
  const out: Rect[] = [];
  let open = new Map<number, Rect>();
  let row = -1;
  let next = new Map<number, Rect>();
  for (const [r, c, len] of runs) {
    if (r !== row) {
      open = r === row + 1 ? next : new Map<number, Rect>();
      next = new Map<number, Rect>();
      row = r;
    }
    const key = c * 256 + len;
    const above = open.get(key);
    if (above && above[0] + above[3] === r) {
      above[3] += 1;
      next.set(key, above);
    } else {
      const rect: Rect = [r, c, len, 1];
      out.push(rect);
      next.set(key, rect);
    }
  }
  return out;
}

/**
 * QR codes of one page, drawn as vector paths (`col row len 1 re` in module units, one path per
 * code) in a form XObject of their own, compressed here at zlib level 1 and placed once per page
 * with `Do`. On a 1,500-label sheet the QR paths are ~6 MB of content that pdfkit otherwise
 * compresses with the page at the default level, which took longer than everything else on the
 * sheet together; the codes look the same either way. `add` each code, `flush` before the next
 * page and at the end.
 */
export class QrLayer {
  private content: string[] = [];
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** `text` as a QR code with its 4-module quiet zone inside `side`, at (x, y). */
  add(text: string, x: number, y: number, side: number) {
    const { size, runs } = qrRuns(text);
    const m = side / (size + 8);
    let path = `q ${m} 0 0 ${m} ${x + 4 * m} ${y + 4 * m} cm\n`;
    for (const [r, c, len, h] of stackRuns(runs)) path += `${c} ${r} ${len} ${h} re\n`;
    this.content.push(`${path}f Q`);
  }

  flush() {
    if (this.content.length === 0) return;
    const { doc } = this;
    const form = doc.ref({
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, 0, doc.page.width, doc.page.height],
      Filter: 'FlateDecode',
    });
    form.end(deflateSync(`0 0 0 rg\n${this.content.join('\n')}`, { level: 1 }));
    this.content = [];
    const name = `Qr${(form as unknown as { id: number }).id}`;
    (doc.page.xobjects as Record<string, unknown>)[name] = form;
    doc.addContent(`q /${name} Do Q`);
  }
}
