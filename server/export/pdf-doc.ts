import { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { cjkFont } from './fonts';

export type Pdf = PDFKit.PDFDocument;
export const CJK = 'cjk';
export const A4 = { width: 595.28, height: 841.89 };

/** An A4 document with the CJK font registered and selected. */
export function newPdf(opts: { title: string; author: string; margin?: number }): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: opts.margin ?? 36,
    info: { Title: opts.title, Author: opts.author, Creator: 'Linli 邻里' },
    compress: true,
  });
  doc.registerFont(CJK, cjkFont());
  doc.font(CJK);
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
  const w = doc.widthOfString(s);
  if (w <= width) {
    const dx = align === 'right' ? width - w : align === 'center' ? (width - w) / 2 : 0;
    doc.text(s, x + dx, y, { lineBreak: false });
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
