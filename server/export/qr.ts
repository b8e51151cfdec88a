import QRCode from 'qrcode';

/**
 * Dark runs of a QR code, row by row: `[row, startCol, length]`. Drawing runs instead of single
 * modules keeps a label sheet of 1,500 codes small and fast (one path per code).
 */
export function qrRuns(text: string): { size: number; runs: [number, number, number][] } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
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

type RectDoc = { rect(x: number, y: number, w: number, h: number): unknown; fill(color?: string): unknown };

/** Draws `text` as a QR code (with its 4-module quiet zone inside `side`) at (x, y). */
export function drawQr(doc: RectDoc, text: string, x: number, y: number, side: number) {
  const { size, runs } = qrRuns(text);
  const m = side / (size + 8);
  const ox = x + 4 * m;
  const oy = y + 4 * m;
  for (const [r, c, len] of runs) doc.rect(ox + c * m, oy + r * m, len * m, m);
  doc.fill('#000');
}
