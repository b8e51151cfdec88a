import { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { cjkFont } from './fonts';

export type Pdf = PDFKit.PDFDocument;
export const CJK = 'cjk';
export const A4 = { width: 595.28, height: 841.89 };

/**
 * The CJK font parsed once per process: pdfkit hands a fontkit font object through as is, so every
 * later document reuses its parsed tables and glyph cache instead of re-reading the 2.5 MB font
 * (each document still makes its own subset and layout cache).
 */
let parsedCjk: unknown = null;

/** An A4 document with the CJK font registered and selected. */
export function newPdf(opts: { title: string; author: string; margin?: number }): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: opts.margin ?? 36,
    info: { Title: opts.title, Author: opts.author, Creator: 'Linli 邻里' },
    compress: true,
  });
  doc.registerFont(CJK, (parsedCjk ?? cjkFont()) as Buffer);
  doc.font(CJK);
  parsedCjk ??= internals(doc)._font.font;
  return doc;
}

/** Hands the event loop back between pages, so one large export does not stall other requests. */
export const breathe = () => new Promise<void>((r) => setImmediate(r));

/**
 * Streams `doc` while `draw` fills it: bytes leave as pages are written. A failure while drawing
 * ends the stream with an error (the client sees an aborted download, never a truncated "valid" file).
 */
export function pdfStream(doc: Pdf, draw: (doc: Pdf) => Promise<void>): ReadableStream<Uint8Array> {
  const node = doc as unknown as Readable;
  void draw(doc).then(
    () => doc.end(),
    (e: unknown) => node.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  return Readable.toWeb(node) as ReadableStream<Uint8Array>;
}

/** The parts of pdfkit's document and font this module writes text through (pdfkit 0.20). */
type Position = { xAdvance: number; advanceWidth: number; xOffset: number; yOffset: number };
type PdfInternals = {
  _font: {
    id: string;
    font: unknown;
    ascender: number;
    ref(): unknown;
    encode(s: string): [string[], Position[]];
    widthOfString(s: string, size: number): number;
  };
  _fontSize: number;
  page: { height: number; fonts: Record<string, unknown> };
  x: number;
  y: number;
};
const internals = (doc: Pdf) => doc as unknown as PdfInternals;

/** pdfkit's number format in content streams. */
const num = (n: number) => Math.round(n * 1e6) / 1e6;

/** Courier and Courier-Bold: every glyph is 600/1000 em wide and the fonts have no kerning pairs. */
const MONOSPACED = new Set(['Courier', 'Courier-Bold']);
const isMonospaced = (doc: Pdf) => MONOSPACED.has((internals(doc)._font as unknown as { name: string }).name);

/**
 * Writes `s` at (x, y) with the current font, size and fill colour: the same operators pdfkit's
 * `text(s, x, y, { lineBreak: false })` writes for a single-line, left-aligned run, without its
 * option handling and the three further layouts of the same string it makes on the way. Text with
 * a line break or with glyph offsets (marks placed by the shaper) goes through pdfkit itself.
 */
function place(doc: Pdf, s: string, x: number, y: number, width: number) {
  const d = internals(doc);
  const font = d._font;
  let encoded: string[];
  let positions: Position[] | null = null;
  if (isMonospaced(doc)) {
    // pdfkit's standard-font encoding for ASCII: the char code in hex, one run, no kerning.
    encoded = Array.from(s, (ch) => ch.charCodeAt(0).toString(16));
  } else {
    [encoded, positions] = font.encode(s);
  }
  if (s.includes('\n') || positions?.some((p) => p.xOffset || p.yOffset)) {
    doc.text(s, x, y, { lineBreak: false });
    return;
  }
  const size = d._fontSize;
  const commands: string[] = [];
  let last = 0;
  const segment = (cur: number) => {
    if (last < cur) {
      const p = positions?.[cur - 1];
      commands.push(`<${encoded.slice(last, cur).join('')}> ${p ? num(-(p.xAdvance - p.advanceWidth)) : 0}`);
    }
    last = cur;
  };
  if (positions) positions.forEach((p, i) => p.xAdvance !== p.advanceWidth && segment(i + 1));
  segment(encoded.length);
  if (commands.length) {
    doc.save();
    doc.transform(1, 0, 0, -1, 0, d.page.height);
    d.page.fonts[font.id] ??= font.ref();
    const baseline = d.page.height - y - (font.ascender / 1000) * size;
    doc.addContent(
      `BT\n1 0 0 1 ${num(x)} ${num(baseline)} Tm\n/${font.id} ${num(size)} Tf\n[${commands.join(' ')}] TJ\nET`,
    );
    doc.restore();
  }
  d.x = x + width;
  d.y = y;
}

/** Width of `s` at the current font and size; Courier's is arithmetic (no layout, no kerning). */
function widthOf(doc: Pdf, s: string): number {
  const d = internals(doc);
  if (isMonospaced(doc) && /^[\x20-\x7e]*$/.test(s)) return s.length * 0.6 * d._fontSize;
  return d._font.widthOfString(s, d._fontSize);
}

/**
 * Text on one line within `width`: placed directly when it fits (the common case, and much faster:
 * pdfkit's line wrapper is skipped and the measured layout is cached by the font), cut with an
 * ellipsis when it does not.
 */
export function fit(
  doc: Pdf,
  s: string,
  x: number,
  y: number,
  width: number,
  size: number,
  align: 'left' | 'right' | 'center' = 'left',
) {
  doc.fontSize(size);
  const w = widthOf(doc, s);
  if (w <= width && (!isMonospaced(doc) || /^[\x20-\x7e]*$/.test(s))) {
    const dx = align === 'right' ? width - w : align === 'center' ? (width - w) / 2 : 0;
    place(doc, s, x + dx, y, w);
  } else {
    doc.text(s, x, y, { width, height: size * 1.3, lineBreak: false, ellipsis: true });
  }
}

/** Draws outside the bottom margin (footers) without pdfkit starting a new page. */
export function inFooter(doc: Pdf, fn: () => void) {
  const bottom = doc.page.margins.bottom;
  const { x, y } = doc;
  doc.page.margins.bottom = 0;
  fn();
  doc.page.margins.bottom = bottom;
  doc.x = x;
  doc.y = y;
}
