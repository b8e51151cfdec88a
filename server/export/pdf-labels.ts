import type { Bag, PickList } from '@/server/services/picklist/types';
import { formatShortCode } from '@/server/services/distribution/short-code';
import { encodeBagCode } from '@/server/services/shared/bag-code';
import { A4, breathe, CJK, fit, newPdf, pdfStream, type Pdf } from './pdf-doc';
import { QrLayer } from './qr';
import type { ExportText } from './text';

/** 2 × 4 labels on an A4 sheet: fits common 8-up label paper and is cut easily by hand. */
const LABEL_COLS = 2;
const LABEL_ROWS = 4;
const LABELS_PER_PAGE = LABEL_COLS * LABEL_ROWS;
const MARGIN = 18;
const LABEL_W = (A4.width - 2 * MARGIN) / LABEL_COLS;
const LABEL_H = (A4.height - 2 * MARGIN) / LABEL_ROWS;
const PAD = 10;
const QR = 112;
/** The 短码 under the QR code: large and monospaced, for typing on the stairs. */
const SHORT_CODE_SIZE = 22;
const SHORT_CODE_H = 36;

/** Where label `i` of its page sits (row-major, in route order), for tests that crop one. */
export function labelBox(i: number): {
  x: number;
  y: number;
  w: number;
  h: number;
  qr: { x: number; y: number; side: number };
} {
  const col = i % LABEL_COLS;
  const rowIdx = Math.floor(i / LABEL_COLS) % LABEL_ROWS;
  const x = MARGIN + col * LABEL_W;
  const y = MARGIN + rowIdx * LABEL_H;
  return { x, y, w: LABEL_W, h: LABEL_H, qr: { x: x + LABEL_W - PAD - QR, y: y + PAD, side: QR } };
}

/**
 * Bag labels, one per bag (= paid order) in route order: 接龙号, address, masked name and the
 * last 4 phone digits, the care flag, the items, and a QR code holding the signed bag code that
 * check-off accepts. Under the QR, the bag's 短码 in large type (6 characters, typed at check-off
 * when a camera fails); the full signed code stays in small print at the bottom.
 */
export function labelsStream(pl: PickList, t: ExportText) {
  const doc = newPdf({ title: `${t.labels} · ${pl.merchantName}`, author: pl.merchantName, margin: 0 });
  const relayTitle = new Map(pl.relays.map((r) => [r.id, r.title]));
  const qrs = new QrLayer(doc);
  return pdfStream(doc, async () => {
    for (const [i, bag] of pl.bags.entries()) {
      if (i > 0 && i % LABELS_PER_PAGE === 0) {
        qrs.flush();
        doc.addPage({ size: 'A4', margin: 0 });
        await breathe();
      }
      label(doc, qrs, pl, bag, labelBox(i % LABELS_PER_PAGE), t, relayTitle.get(bag.relayId) ?? '');
    }
    qrs.flush();
  });
}

function label(
  doc: Pdf,
  qrs: QrLayer,
  pl: PickList,
  b: Bag,
  box: ReturnType<typeof labelBox>,
  t: ExportText,
  relay: string,
) {
  const { x, y, w, h, qr } = box;
  // Cut lines.
  doc.save().lineWidth(0.4).dash(3, { space: 3 }).rect(x, y, w, h).stroke('#9ca3af').restore();
  const code = encodeBagCode(pl.communityId, b.orderId);
  qrs.add(code, qr.x, qr.y, qr.side);
  if (b.shortCode) {
    doc.fillColor('#000').font('Courier-Bold');
    fit(doc, formatShortCode(b.shortCode), qr.x, qr.y + qr.side + 6, qr.side, SHORT_CODE_SIZE, 'center');
  }

  const left = x + PAD;
  const width = qr.x - left - 6;
  doc.fillColor('#000').font(CJK);
  fit(doc, `#${b.seq}`, left, y + PAD - 2, width, 26);
  fit(doc, `${t.buildingNo(b.buildingNumber)} ${t.stairwellNo(b.stairwellNumber)}`, left, y + 44, width, 13);
  fit(doc, t.roomNo(b.room), left, y + 62, width, 16);
  fit(
    doc,
    [b.maskedName, b.phoneLast4 ? t.tail(b.phoneLast4) : ''].filter(Boolean).join('  '),
    left,
    y + 84,
    width,
    11,
  );
  let itemsTop = y + 102;
  if (b.doorDelivery) {
    const label = t.doorDelivery;
    doc.fontSize(11);
    const bw = doc.widthOfString(label) + 10;
    doc.rect(left, y + 101, bw, 17).fill('#000');
    doc.fillColor('#fff').text(label, left + 5, y + 103, { lineBreak: false });
    doc.fillColor('#000');
    itemsTop = y + 122;
  }
  // Items under the text block, the full label width once below the QR code.
  const bottom = y + h - 30;
  const lineH = 11;
  let ly = itemsTop;
  for (const [k, l] of b.lines.entries()) {
    const full = ly >= qr.y + qr.side + (b.shortCode ? SHORT_CODE_H : 2);
    const room = Math.floor((bottom - ly) / lineH);
    if (room <= 1 && k < b.lines.length - 1) {
      fit(doc, t.more(b.lines.length - k), left, ly, width, 8.5);
      break;
    }
    const qty = l.deliverQty === l.qty ? `×${l.qty}` : `×${l.qty}→${l.deliverQty}`;
    fit(doc, `${l.name}${l.spec ? ` ${l.spec}` : ''} ${qty}`, left, ly, full ? w - 2 * PAD : width, 9);
    ly += lineH;
  }
  doc.fillColor('#4b5563');
  fit(
    doc,
    [pl.merchantName, relay, pl.deliveryDate].filter(Boolean).join(' · '),
    left,
    y + h - 26,
    w - 2 * PAD,
    7,
  );
  doc.font('Courier');
  fit(doc, code, left, y + h - 15, w - 2 * PAD, 6.2);
  doc.font(CJK).fillColor('#000');
}
