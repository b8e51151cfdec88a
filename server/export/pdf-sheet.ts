import type { PickList } from '@/server/services/picklist/types';
import { breathe, fit, inFooter, newPdf, pdfStream, type Pdf } from './pdf-doc';
import { type ExportText } from './text';
import { unitQtyLabel } from '@/server/services/picklist/rules';
import { fenToYuan } from '@/server/services/shared/money';
import { localDateTime } from '@/server/services/shared/time';

type Col = { label: string; width: number; align?: 'left' | 'right' | 'center' };

const BODY = 9;
const ROW = 14;

/**
 * The A4 pick sheet: a header, then the requested sections — totals per product (what to pick),
 * per-stairwell counts, and the bags in route order under a heading per stairwell, one product
 * per line so the packer can tick them off. Table headers repeat on every page.
 */
export function pickSheetStream(pl: PickList, sections: ('totals' | 'stairwells' | 'bags')[], t: ExportText) {
  const title = `${t.pickList} · ${pl.merchantName}`;
  const doc = newPdf({ title, author: pl.merchantName });
  return pdfStream(doc, async () => {
    let page = 1;
    const footer = () =>
      inFooter(doc, () => {
        doc.fillColor('#6b7280');
        fit(
          doc,
          `${pl.merchantName} · ${t.deliveryDate} ${pl.deliveryDate}`,
          36,
          doc.page.height - 28,
          380,
          7.5,
        );
        fit(doc, t.page(page), doc.page.width - 136, doc.page.height - 28, 100, 7.5);
        doc.fillColor('#000');
      });
    doc.on('pageAdded', () => {
      page += 1;
      footer();
    });
    footer();
    header(doc, pl, t, title);
    if (sections.includes('totals') && pl.totals) {
      section(doc, t.totals);
      const cols: Col[] = [
        { label: t.product, width: 160 },
        { label: t.spec, width: 70 },
        { label: t.unit, width: 34 },
        { label: t.unitPrice, width: 52, align: 'right' },
        { label: t.ordered, width: 46, align: 'right' },
        { label: t.toDeliver, width: 46, align: 'right' },
        { label: t.short, width: 36, align: 'right' },
        { label: t.amount, width: 79, align: 'right' },
      ];
      const rows = pl.totals.map((x) => [
        x.name,
        x.spec,
        x.unit,
        x.unitPriceFen === null ? '—' : fenToYuan(x.unitPriceFen),
        String(x.orderedQty),
        String(x.deliverQty),
        x.shortQty ? String(x.shortQty) : '',
        fenToYuan(x.amountFen),
      ]);
      rows.push([t.total, '', '', '', '', '', '', fenToYuan(pl.grand.amountFen ?? 0)]);
      table(doc, cols, rows, { boldLast: true });
      perUnitTotals(doc, t, pl);
    }
    if (sections.includes('stairwells')) {
      section(doc, t.stairwells);
      const cols: Col[] = [
        { label: `${t.building} / ${t.stairwell}`, width: 160 },
        { label: t.households, width: 80, align: 'right' },
        { label: t.bagCount, width: 80, align: 'right' },
        { label: t.items, width: 80, align: 'right' },
        { label: t.doorDelivery, width: 80, align: 'right' },
      ];
      const rows = pl.stairwells.map((s) => [
        `${t.buildingNo(s.buildingNumber)} ${t.stairwellNo(s.stairwellNumber)}`,
        String(s.households),
        String(s.bags),
        String(s.items),
        s.doorDelivery ? String(s.doorDelivery) : '',
      ]);
      rows.push([
        t.total,
        String(pl.grand.households),
        String(pl.grand.bags),
        '',
        String(pl.bags.filter((b) => b.doorDelivery).length),
      ]);
      table(doc, cols, rows, { boldLast: true });
      perUnitTotals(doc, t, pl, false);
    }
    if (sections.includes('bags')) {
      section(doc, t.bags);
      await bagList(doc, pl, t);
    }
  });
}

function header(doc: Pdf, pl: PickList, t: ExportText, title: string) {
  const x = doc.page.margins.left;
  doc.fontSize(18).text(title, x, doc.page.margins.top);
  doc.fontSize(10).fillColor('#374151');
  doc.text(pl.relays.map((r) => r.title).join(' / '));
  doc.text(
    `${t.community}: ${pl.communityName}   ${t.deliveryDate}: ${pl.deliveryDate}   ${t.generatedAt}: ${localDateTime(pl.generatedAt)}`,
  );
  doc.text(t.summary(pl.grand.bags, pl.grand.households, pl.grand.deliverQty));
  if (pl.pendingRelays > 0) doc.fillColor('#b45309').text(t.pending(pl.pendingRelays));
  if (pl.viewer === 'volunteer') doc.fillColor('#b45309').text(t.volunteerScope);
  doc.fillColor('#000');
  doc.moveDown(0.5);
}

/**
 * The 合计 of quantities under a table, one sum per unit (`合计 应发数：12 份 + 3 盒`): quantities in
 * 份 and 盒 do not add up, and the sums are too wide for the table's number columns.
 */
function perUnitTotals(doc: Pdf, t: ExportText, pl: PickList, ordered = true) {
  const lines = [`${t.total} ${t.toDeliver}：${unitQtyLabel(pl.grand.deliverPerUnit)}`];
  if (ordered) lines.push(`${t.total} ${t.ordered}：${unitQtyLabel(pl.grand.orderedPerUnit)}`);
  for (const line of lines) {
    ensure(doc, ROW);
    const y = doc.y + 2;
    fit(
      doc,
      line,
      doc.page.margins.left + 2,
      y,
      doc.page.width - doc.page.margins.left - doc.page.margins.right,
      BODY + 0.5,
    );
    doc.y = y + ROW;
  }
}

function ensure(doc: Pdf, height: number): boolean {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
    doc.addPage();
    return true;
  }
  return false;
}

function section(doc: Pdf, label: string) {
  ensure(doc, 60);
  doc.moveDown(0.6);
  doc.fontSize(13).text(label, doc.page.margins.left, doc.y);
  doc.moveDown(0.2);
}

function rule(doc: Pdf, y: number, color = '#d1d5db') {
  doc
    .moveTo(doc.page.margins.left, y)
    .lineTo(doc.page.width - doc.page.margins.right, y)
    .lineWidth(0.5)
    .stroke(color);
}

function row(doc: Pdf, cols: Col[], cells: string[], y: number, size = BODY) {
  let x = doc.page.margins.left;
  cols.forEach((c, i) => {
    const v = cells[i];
    if (v) fit(doc, v, x + 2, y + 2.5, c.width - 4, size, c.align);
    x += c.width;
  });
}

function table(doc: Pdf, cols: Col[], rows: string[][], opts: { boldLast?: boolean } = {}) {
  const head = () => {
    const y = doc.y;
    doc.fillColor('#374151');
    row(
      doc,
      cols,
      cols.map((c) => c.label),
      y,
      8.5,
    );
    doc.fillColor('#000');
    rule(doc, y + ROW, '#9ca3af');
    doc.y = y + ROW + 1;
  };
  head();
  rows.forEach((r, i) => {
    if (ensure(doc, ROW)) head();
    const y = doc.y;
    const last = opts.boldLast && i === rows.length - 1;
    if (last) rule(doc, y, '#6b7280');
    row(doc, cols, r, y, last ? BODY + 0.5 : BODY);
    doc.y = y + ROW;
  });
  rule(doc, doc.y);
}

async function bagList(doc: Pdf, pl: PickList, t: ExportText) {
  const prices = pl.viewer !== 'volunteer';
  const multi = pl.relays.length > 1;
  const relayTitle = new Map(pl.relays.map((r) => [r.id, r.title]));
  const cols: Col[] = [
    { label: t.seq, width: 40 },
    { label: t.room, width: 50 },
    { label: t.name, width: 44 },
    ...(prices ? [{ label: t.phoneLast4, width: 48 }] : []),
    { label: t.product, width: prices ? 238 : 286 },
    { label: t.items, width: 36, align: 'right' as const },
    { label: t.doorDelivery, width: 67, align: 'center' as const },
  ];
  const productCol = cols.findIndex((c) => c.label === t.product);
  const productX = doc.page.margins.left + cols.slice(0, productCol).reduce((s, c) => s + c.width, 0);
  const head = () => {
    const y = doc.y;
    doc.fillColor('#374151');
    row(
      doc,
      cols,
      cols.map((c) => c.label),
      y,
      8.5,
    );
    doc.fillColor('#000');
    rule(doc, y + ROW, '#9ca3af');
    doc.y = y + ROW + 1;
  };
  let current = '';
  let n = 0;
  for (const b of pl.bags) {
    const lineCount = Math.max(1, b.lines.length) + (b.note || multi ? 1 : 0);
    const height = lineCount * 12 + 4;
    if (b.stairwellId !== current) {
      current = b.stairwellId;
      const s = pl.stairwells.find((x) => x.stairwellId === b.stairwellId);
      ensure(doc, 40 + height);
      doc.moveDown(0.3);
      doc
        .fontSize(11)
        .text(
          `${t.buildingNo(b.buildingNumber)} ${t.stairwellNo(b.stairwellNumber)}  ·  ${s ? t.summary(s.bags, s.households, s.items) : ''}`,
          doc.page.margins.left,
          doc.y,
        );
      head();
    } else if (ensure(doc, height)) {
      head();
    }
    const y = doc.y;
    row(
      doc,
      cols,
      [
        `#${b.seq}`,
        b.room,
        b.maskedName,
        ...(prices ? [b.phoneLast4 ?? ''] : []),
        '',
        String(b.items),
        b.doorDelivery ? t.doorDelivery : '',
      ],
      y,
    );
    const w = cols[productCol]!.width - 4;
    b.lines.forEach((l, i) => {
      const qty = l.deliverQty === l.qty ? `×${l.qty}` : `×${l.qty}→${l.deliverQty}`;
      fit(doc, `${l.name}${l.spec ? ` ${l.spec}` : ''}  ${qty}`, productX + 2, y + 2.5 + i * 12, w, BODY);
    });
    const extra = [multi ? relayTitle.get(b.relayId) : '', b.note].filter(Boolean).join(' · ');
    if (extra) {
      doc.fillColor('#6b7280');
      fit(doc, extra, productX + 2, y + 2.5 + Math.max(1, b.lines.length) * 12, w, 8);
      doc.fillColor('#000');
    }
    doc.y = y + height;
    rule(doc, doc.y, '#e5e7eb');
    if (++n % 200 === 0) await breathe();
  }
}
