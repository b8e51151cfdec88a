import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import jsQR from 'jsqr';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { bagCodes, orders } from '@/db/schema';
import { exportResponse } from '@/server/export/respond';
import { labelBox } from '@/server/export/pdf-labels';
import { qrRuns } from '@/server/export/qr';
import { getRelayPickList } from '@/server/services/picklist/get-relay-pick-list';
import type { PreparePickListExportInput } from '@/server/services/picklist/prepare-pick-list-export';
import type { PickList } from '@/server/services/picklist/types';
import { formatShortCode, isShortCode } from '@/server/services/distribution/short-code';
import { encodeBagCode, verifyBagCode } from '@/server/services/shared/bag-code';
import type { SessionUser } from '@/server/services/shared/context';
import { serviceCtx } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, type TestCommunity } from '@/tests/helpers/fixtures';
import {
  addOrders,
  makeFormedRelay,
  makeMerchant,
  makeRelay,
  markCare,
  type TestMerchant,
  type TestRelay,
} from '@/tests/helpers/relay-fixtures';
import { fenToYuan } from '@/server/services/shared/money';

const ARTIFACTS = path.resolve(process.env.ARTIFACTS_DIR ?? 'artifacts', 'pdf');
const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const POPPLER = has('pdftoppm') && has('pdftotext') && has('pdffonts');

let database: Database;
let c: TestCommunity;
let roles: Awaited<ReturnType<typeof makeRoleUsers>>;
let merchant: TestMerchant;
let other: TestMerchant;
let relay: TestRelay;
let pl: PickList;
let tmp: string;

const NOTE_TRICKY = '放门口,别按"门铃"\n谢谢';
const NOTE_FORMULA = '=HYPERLINK("http://x","点我")';

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  c = await makeCommunity(db, { buildings: 2, stairwellsPerBuilding: 2, householdsPerStairwell: 4 });
  roles = await makeRoleUsers(db, c);
  merchant = await makeMerchant(db);
  other = await makeMerchant(db, { name: '隔壁生鲜' });
  await markCare(db, c.id, c.households[2]!.id);
  // 13 bags: labels run onto a second page.
  const made = await makeFormedRelay(db, c, { orders: 13, merchant });
  relay = made.relay;
  const o = (i: number) => made.orders.find((x) => x.householdId === c.households[i]!.id)!.id;
  await db
    .update(orders)
    .set({ note: NOTE_TRICKY })
    .where(and(eq(orders.communityId, c.id), eq(orders.id, o(0))));
  await db
    .update(orders)
    .set({ note: NOTE_FORMULA })
    .where(and(eq(orders.communityId, c.id), eq(orders.id, o(1))));
  pl = await getRelayPickList({ ctx: serviceCtx(database, merchant.owner), input: { relayId: relay.id } });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-export-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await database.close();
});

function exportAs(
  user: SessionUser | null,
  view: string,
  format: string | null,
  target?: PreparePickListExportInput['target'],
) {
  return exportResponse({
    database,
    user,
    locale: 'zh-CN',
    input: { target: target ?? { kind: 'relay', relayId: relay.id }, view, format },
  });
}
async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}
/** The expected 合计 text, computed from the products: `12 袋 + 3 盒 + 4 份` in first-seen unit order. */
function perUnitOf(p: PickList, what: 'ordered' | 'deliver'): string {
  const by = new Map<string, number>();
  for (const b of p.bags)
    for (const l of b.lines)
      by.set(l.unit, (by.get(l.unit) ?? 0) + (what === 'ordered' ? l.qty : l.deliverQty));
  return [...by].map(([unit, qty]) => `${qty} ${unit}`).join(' + ');
}
function parseCsv(buf: Buffer): string[][] {
  const text = buf.toString('utf8');
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
}

describe('CSV', () => {
  it('starts with the BOM and round-trips through a CSV parser, notes with commas, quotes and newlines intact', async () => {
    const res = await exportAs(merchant.owner, 'bags', 'csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename=".+\.csv"; filename\*=UTF-8''.+/,
    );
    expect(res.headers.get('x-linli-bags')).toBe('13');
    const buf = await bytes(res);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(buf);
    const [header, ...body] = rows;
    expect(header!.slice(0, 8)).toEqual([
      '接龙号',
      '楼栋',
      '单元',
      '楼层',
      '室',
      '姓名',
      '手机尾号',
      '送上门',
    ]);
    expect(body).toHaveLength(13 + 1);
    expect(body.slice(0, 13).map((r) => Number(r[0]))).toEqual(pl.bags.map((b) => b.seq));
    expect(body.slice(0, 13).map((r) => r[5])).toEqual(pl.bags.map((b) => b.maskedName));
    expect(body.slice(0, 13).map((r) => r[6])).toEqual(pl.bags.map((b) => b.phoneLast4));
    const note = header!.indexOf('备注');
    const notes = body.map((r) => r[note]);
    expect(notes).toContain(NOTE_TRICKY);
    // A note that looks like a formula is defused, so a spreadsheet shows it as text.
    expect(notes).toContain(`'${NOTE_FORMULA}`);
    // Per-product columns hold what goes into each bag; the totals row sums them.
    const footer = body[13]!;
    expect(footer[0]).toBe('合计');
    for (const t of pl.totals!) {
      const col = header!.indexOf(t.spec ? `${t.name} ${t.spec}` : t.name);
      expect(Number(footer[col])).toBe(t.deliverQty);
    }
  });

  it('exports totals with money in yuan and a totals row', async () => {
    const rows = parseCsv(await bytes(await exportAs(merchant.owner, 'totals', 'csv')));
    expect(rows[0]).toEqual([
      '商品',
      '规格',
      '单位',
      '单价(元)',
      '订购数',
      '应发数',
      '缺货',
      '金额(元)',
      '已退(元)',
      '袋数',
    ]);
    for (const [i, t] of pl.totals!.entries()) {
      expect(rows[i + 1]).toEqual([
        t.name,
        t.spec,
        t.unit,
        fenToYuan(t.unitPriceFen!),
        String(t.orderedQty),
        String(t.deliverQty),
        String(t.shortQty),
        fenToYuan(t.amountFen),
        fenToYuan(t.refundedFen),
        String(t.bags),
      ]);
    }
    expect(rows.at(-1)![7]).toBe(fenToYuan(pl.grand.amountFen!));
    // 合计 of quantities: one sum per unit, never 袋 + 盒 + 份 added together.
    expect(new Set(pl.totals!.map((t) => t.unit)).size).toBeGreaterThan(1);
    expect(rows.at(-1)![0]).toBe('合计');
    expect(rows.at(-1)![5]).toBe(perUnitOf(pl, 'deliver'));
    expect(rows.at(-1)![4]).toBe(perUnitOf(pl, 'ordered'));
    expect(rows.at(-1)![5]).toMatch(/^\d+ \S+( \+ \d+ \S+)+$/);
  });

  it('gives a volunteer their own stairwell’s bags without phones or prices', async () => {
    const rows = parseCsv(await bytes(await exportAs(roles.volunteer, 'bags', 'csv')));
    expect(rows[0]).not.toContain('手机尾号');
    expect(rows[0]).not.toContain('金额(元)');
    const own = pl.bags.filter((b) => b.stairwellId === c.stairwells[0]!.id);
    expect(rows.slice(1, -1).map((r) => Number(r[0]))).toEqual(own.map((b) => b.seq));
    const text = rows.flat().join('|');
    for (const b of pl.bags) expect(text).not.toContain(b.phoneLast4!);
  });
});

describe('XLSX', () => {
  it('reopens with one sheet per view, a frozen header and totals rows equal to the computed totals', async () => {
    const res = await exportAs(merchant.owner, 'all', 'xlsx');
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bytes(res)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['商品汇总', '楼道统计', '分袋清单']);
    const totals = wb.getWorksheet('商品汇总')!;
    expect(totals.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(totals.getColumn(1).width).toBeGreaterThan(15);
    const n = pl.totals!.length;
    for (const [i, t] of pl.totals!.entries()) {
      const r = totals.getRow(i + 2);
      expect([r.getCell(1).value, r.getCell(5).value, r.getCell(6).value, r.getCell(8).value]).toEqual([
        t.name,
        t.orderedQty,
        t.deliverQty,
        t.amountFen / 100,
      ]);
    }
    const foot = totals.getRow(n + 2);
    const result = (v: ExcelJS.CellValue) => (v && typeof v === 'object' && 'result' in v ? v.result : v);
    expect(foot.getCell(1).value).toBe('合计');
    // Quantities per unit as text (份 and 盒 do not add up); money is one sum.
    expect(foot.getCell(5).value).toBe(perUnitOf(pl, 'ordered'));
    expect(foot.getCell(6).value).toBe(perUnitOf(pl, 'deliver'));
    expect(foot.getCell(8).value).toMatchObject({ formula: `SUM(H2:H${n + 1})` });
    expect(result(foot.getCell(8).value)).toBe(pl.grand.amountFen! / 100);
    expect(result(foot.getCell(10).value)).toBe(pl.grand.bags);
    const stair = wb.getWorksheet('楼道统计')!;
    const sfoot = stair.getRow(pl.stairwells.length + 2);
    expect([
      result(sfoot.getCell(3).value),
      result(sfoot.getCell(4).value),
      result(sfoot.getCell(5).value),
    ]).toEqual([pl.grand.households, pl.grand.bags, perUnitOf(pl, 'deliver')]);
    const bagsSheet = wb.getWorksheet('分袋清单')!;
    expect(bagsSheet.rowCount).toBe(pl.bags.length + 2);
    expect(bagsSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });
});

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

function readPpm(file: string): { width: number; height: number; rgba: Uint8ClampedArray } {
  const buf = readFileSync(file);
  // P6\n<w> <h>\n255\n<rgb bytes>
  const header = buf.subarray(0, 64).toString('latin1').split(/\s+/);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const start = buf.length - width * height * 3;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = start; i < width * height; i++, j += 3) {
    rgba[i * 4] = buf[j]!;
    rgba[i * 4 + 1] = buf[j + 1]!;
    rgba[i * 4 + 2] = buf[j + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

describe('PDF', () => {
  it.skipIf(!POPPLER)(
    'prints one label per bag, each with a code check-off accepts, with the CJK font embedded',
    async () => {
      const res = await exportAs(merchant.owner, 'labels', null);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const file = path.join(tmp, 'labels.pdf');
      writeFileSync(file, await bytes(res));
      expect(run('pdfinfo', [file])).toMatch(/Pages:\s+2\b/);
      const text = run('pdftotext', ['-layout', file, '-']);
      const codes = text.match(/LL1\.[0-9a-f-]{36}\.[A-Za-z0-9_-]{22}/g) ?? [];
      expect(codes).toHaveLength(pl.bags.length);
      expect(codes.map((code) => verifyBagCode(c.id, code)?.orderId).sort()).toEqual(
        pl.bags.map((b) => b.orderId).sort(),
      );
      // Printing labels gave every bag its 短码, printed large under the QR.
      const short = await database.db.select().from(bagCodes).where(eq(bagCodes.communityId, c.id));
      expect(short.map((x) => x.orderId).sort()).toEqual(pl.bags.map((b) => b.orderId).sort());
      for (const x of short) {
        expect(isShortCode(x.code)).toBe(true);
        expect(text).toContain(formatShortCode(x.code));
      }
      expect(text).toContain(`#${pl.bags[0]!.seq}`);
      expect(text).toContain('号楼');
      expect(text).toContain('送上门');
      const fonts = run('pdffonts', [file]);
      expect(fonts).toMatch(/NotoSansSC\S*\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
      run('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        file,
        path.join(ARTIFACTS, 'labels-page1'),
      ]);
      expect(readFileSync(path.join(ARTIFACTS, 'labels-page1.png')).subarray(1, 4).toString()).toBe('PNG');

      // Decode the first label's QR code from the rendered page.
      const dpi = 200;
      const s = dpi / 72;
      const { qr } = labelBox(0);
      run('pdftoppm', [
        '-r',
        String(dpi),
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        '-x',
        String(Math.floor(qr.x * s)),
        '-y',
        String(Math.floor(qr.y * s)),
        '-W',
        String(Math.ceil(qr.side * s)),
        '-H',
        String(Math.ceil(qr.side * s)),
        file,
        path.join(tmp, 'qr'),
      ]);
      const img = readPpm(path.join(tmp, 'qr.ppm'));
      const decoded = jsQR(img.rgba, img.width, img.height);
      expect(decoded?.data).toBe(encodeBagCode(c.id, pl.bags[0]!.orderId));
      expect(verifyBagCode(c.id, decoded!.data)).toEqual({ orderId: pl.bags[0]!.orderId });
    },
  );

  it.skipIf(!POPPLER)('renders the A4 pick sheet with totals, stairwells and bags in Chinese', async () => {
    const res = await exportAs(merchant.owner, 'all', 'pdf');
    const file = path.join(tmp, 'sheet.pdf');
    writeFileSync(file, await bytes(res));
    const text = run('pdftotext', [file, '-']);
    for (const s of [
      '拣货单',
      '商品汇总',
      '楼道统计',
      '分袋清单',
      '东北大米',
      '合计',
      `#${pl.bags.at(-1)!.seq}`,
    ])
      expect(text).toContain(s);
    // The 合计 of quantities is one sum per unit, printed under the table.
    expect(text).toContain(`合计 应发数：${perUnitOf(pl, 'deliver')}`);
    expect(text).toContain(`合计 订购数：${perUnitOf(pl, 'ordered')}`);
    expect(run('pdffonts', [file])).toMatch(/NotoSansSC/);
    run('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      path.join(ARTIFACTS, 'pick-sheet-page1'),
    ]);
  });
});

describe('QR bag codes', () => {
  it('a code rendered as a QR image decodes to one that verifies; forged or truncated codes are refused', () => {
    const code = encodeBagCode(c.id, pl.bags[0]!.orderId);
    const { size, runs } = qrRuns(code);
    const scale = 6;
    const quiet = 4;
    const dim = (size + 2 * quiet) * scale;
    const rgba = new Uint8ClampedArray(dim * dim * 4).fill(255);
    for (const [r, c0, len] of runs) {
      for (let y = (r + quiet) * scale; y < (r + quiet + 1) * scale; y++) {
        for (let x = (c0 + quiet) * scale; x < (c0 + quiet + len) * scale; x++)
          rgba.fill(0, (y * dim + x) * 4, (y * dim + x) * 4 + 3);
      }
    }
    const decoded = jsQR(rgba, dim, dim);
    expect(decoded?.data).toBe(code);
    expect(verifyBagCode(c.id, decoded!.data)).toEqual({ orderId: pl.bags[0]!.orderId });
    const sig = code.split('.')[2]!;
    const forged = code.slice(0, -sig.length) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyBagCode(c.id, forged)).toBeNull();
    expect(verifyBagCode(c.id, code.slice(0, -3))).toBeNull();
    expect(verifyBagCode(c.id, code.slice(0, 20))).toBeNull();
    // Another compound's label does not verify here.
    expect(verifyBagCode(crypto.randomUUID(), code)).toBeNull();
  });
});

describe('export errors: clear status, nothing leaked', () => {
  const body = async (res: Response) => (await res.json()) as { error: { code: string; message: string } };
  it('answers 400 / 401 / 403 / 404 / 412 with a code', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [exportAs(merchant.owner, 'bags', 'docx'), 400, 'UNKNOWN_EXPORT_FORMAT'],
      [exportAs(merchant.owner, 'everything', 'csv'), 400, 'UNKNOWN_EXPORT_VIEW'],
      [exportAs(merchant.owner, 'labels', 'xlsx'), 400, 'EXPORT_FORMAT_UNSUPPORTED'],
      [exportAs(null, 'bags', 'csv'), 401, 'AUTH_REQUIRED'],
      [exportAs(roles.resident, 'bags', 'csv'), 403, 'PICKLIST_FORBIDDEN'],
      [exportAs(roles.volunteer, 'totals', 'csv'), 403, 'EXPORT_FORBIDDEN'],
      [exportAs(roles.volunteer, 'labels', 'pdf'), 403, 'EXPORT_FORBIDDEN'],
      [exportAs(other.owner, 'bags', 'csv'), 404, 'RELAY_NOT_FOUND'],
      [
        exportAs(merchant.owner, 'bags', 'csv', { kind: 'relay', relayId: 'not-a-uuid' }),
        404,
        'RELAY_NOT_FOUND',
      ],
    ];
    for (const [p, status, code] of cases) {
      const res = await p;
      expect(res.status).toBe(status);
      const b = await body(res);
      expect(b.error.code).toBe(code);
      expect(JSON.stringify(b)).not.toContain('保供套餐');
    }
    const open = await makeRelay(database.db, c, merchant, { status: 'open', title: '还没成团' });
    const res = await exportAs(merchant.owner, 'bags', 'csv', { kind: 'relay', relayId: open.id });
    expect(res.status).toBe(412);
    expect((await body(res)).error.code).toBe('RELAY_NOT_FORMED');
  });
});

describe('delivery-date export', () => {
  it('exports one merchant’s day across relays with a relay column', async () => {
    const day = '2022-04-12';
    const second = await makeRelay(database.db, c, merchant, { title: '第二批' });
    await addOrders(database.db, second, [
      {
        householdId: c.households[15]!.id,
        placedBy: roles.owner.id,
        lines: [{ item: 0, qty: 1 }],
        onBehalf: true,
      },
    ]);
    const res = await exportAs(merchant.owner, 'bags', 'csv', {
      kind: 'delivery',
      communityId: c.id,
      merchantId: merchant.id,
      deliveryDate: day,
    });
    expect(res.status).toBe(200);
    const rows = parseCsv(await bytes(res));
    expect(rows[0]![1]).toBe('接龙');
    expect(rows.slice(1, -1)).toHaveLength(14);
    expect(rows.slice(1, -1).map((r) => r[1])).toContain('第二批');
    const makeOther = await makeMerchant(database.db, { name: '第三家' });
    const none = await exportAs(makeOther.owner, 'bags', 'csv', {
      kind: 'delivery',
      communityId: c.id,
      merchantId: merchant.id,
      deliveryDate: day,
    });
    expect(none.status).toBe(404);
  });
});
