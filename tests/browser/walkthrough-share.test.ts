/**
 * Issue 13 items 10, 9, 2 and 7 as people meet them, in zh-CN on phone-sized Chromium against the
 * production server with the demo compound: the merchant adds a product photo in the catalog and
 * residents see it on the relay; a resident shares the relay card (the PNG handed to the share
 * sheet is decoded for its QR code), falls back to saving the card on a phone without Web Share,
 * and copies the 接龙 text (numbered lines, names masked); a resident reporting 少了商品 must pick
 * the item; a dispatched delivery says its bags have not started and the English gate counts
 * "1 problem" (item 6); the coordinator's board puts the stairwells with bags first and can show
 * only those, remembered, labels the batch with its relay and lists the open report (item 7). Screenshots: artifacts/screenshots/walkthrough-share/.
 */
import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { decodePng } from '@/tests/helpers/png';
import { startServer } from './global-setup';
import { openPhone, shot, signIn } from './helpers';
import { api, apiQuery } from './trpc';

const JOURNEY = 'walkthrough-share';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const OPEN_RELAY = demoId('relay:open-2');
const STAIRWELL_RELAY = demoId('relay:distribution-demo');
/** 接龙号 3 of the 3-2 demo relay is 3-2-201, 张桂英's household. */
const ORDER_201 = demoId('relay:distribution-demo:order:3');

type Phone = Awaited<ReturnType<typeof openPhone>>;
let merchant: Phone;
let resident: Phone;
let volunteer: Phone;
let owner: Phone;

// Its own server (a fresh demo): it dispatches and checks off the demo's formed relay, which the
// distribution journey dispatches on the shared server.
let server: Awaited<ReturnType<typeof startServer>>;
const baseURL = () => server.baseURL;

beforeAll(async () => {
  server = await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 4);
  const opts = { baseURL: server.baseURL };
  [merchant, resident, volunteer, owner] = await Promise.all([
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
  ]);
  await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
  await signIn(volunteer.page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
  await signIn(owner.page, DEMO_ACCOUNTS.owner.phone, DEMO_ACCOUNTS.owner.code);
}, 300_000);
afterAll(async () => {
  // The server stops even when a phone reports accessibility findings on closing.
  try {
    await Promise.all([merchant?.close(), resident?.close(), volunteer?.close(), owner?.close()]);
  } finally {
    await server?.stop();
  }
});

describe('10. product photos', () => {
  it('a photo added in the catalog shows beside the item on the relay page', async () => {
    const page = merchant.page;
    await page.goto(`/m/${MERCHANT}/catalog`);
    await page.locator('[data-product="东北大米"] button[data-action="edit-product"]').click();
    await page.locator('form[data-form="product"] [data-upload="photo"] input[type="file"]').setInputFiles({
      name: 'rice.png',
      mimeType: 'image/png',
      buffer: await QRCode.toBuffer('东北大米 5kg', { width: 240, margin: 2 }),
    });
    await page.locator('form[data-form="product"] button[data-action="save-product"]').click();
    await page.locator('[data-product="东北大米"] img').waitFor();
    await shot(page, JOURNEY, '01-catalog-photo');

    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/relays/${OPEN_RELAY}`);
    const photo = r.locator('[data-testid="order-form"] li[data-item="东北大米"] img.rl-item-photo');
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // An item without a photo shows none.
    expect(await r.locator('li[data-item="青菜"] img.rl-item-photo').count()).toBe(0);
    await shot(r, JOURNEY, '02-relay-item-photo');
  });
});

describe('9. share into the WeChat group', () => {
  it('分享接龙卡片 hands the share sheet the card PNG, whose QR code opens the relay, and the link', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/relays/${OPEN_RELAY}`);
    await r.getByTestId('share').waitFor();
    // A phone with the Web Share API (level 2, files): record what the page hands it.
    await r.evaluate(() => {
      const w = window as unknown as { shared?: unknown };
      Object.defineProperty(navigator, 'canShare', { configurable: true, value: () => true });
      Object.defineProperty(navigator, 'share', {
        configurable: true,
        value: async (d: ShareData) => {
          const f = d.files?.[0];
          const bytes = f ? Array.from(new Uint8Array(await f.arrayBuffer())) : [];
          w.shared = { title: d.title, url: d.url, name: f?.name, type: f?.type, bytes };
        },
      });
    });
    await r.getByRole('button', { name: '分享接龙卡片' }).click();
    const shared = (await (
      await r.waitForFunction(() => (window as unknown as { shared?: unknown }).shared)
    ).jsonValue()) as { title: string; url: string; type: string; bytes: number[] };
    const relayUrl = `${baseURL()}/r/${COMMUNITY}/relays/${OPEN_RELAY}`;
    expect(shared.title).toBe('保供蔬菜套餐第2期');
    expect(shared.url).toBe(relayUrl);
    expect(shared.type).toBe('image/png');
    const png = decodePng(new Uint8Array(shared.bytes));
    expect(jsQR(png.rgba, png.width, png.height)?.data).toBe(relayUrl);
  });

  it('a phone without Web Share shows the card to long-press and save', async () => {
    const r = resident.page;
    await r.reload();
    await r.evaluate(() => {
      Object.defineProperty(navigator, 'canShare', { configurable: true, value: undefined });
      Object.defineProperty(navigator, 'share', { configurable: true, value: undefined });
    });
    await r.getByRole('button', { name: '分享接龙卡片' }).click();
    const fallback = r.getByTestId('share-fallback');
    await fallback.getByText('长按图片保存，再发到群里').waitFor();
    const card = fallback.getByRole('img', { name: '「保供蔬菜套餐第2期」的接龙卡片' });
    await expect.poll(() => card.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(750);
    await card.scrollIntoViewIfNeeded();
    await shot(r, JOURNEY, '03-share-card-fallback');
  });

  it('复制接龙文字 copies the classic 接龙 text: header, items with prices, numbered masked chain', async () => {
    const r = resident.page;
    await resident.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL() });
    await r.getByRole('button', { name: '复制接龙文字' }).click();
    await r.getByRole('status').filter({ hasText: '已复制接龙文字，去微信群里粘贴吧' }).waitFor();
    await shot(r, JOURNEY, '04-text-copied');
    const text = await r.evaluate(() => navigator.clipboard.readText());
    const lines = text.split('\n');
    expect(lines[0]).toBe('#接龙 保供蔬菜套餐第2期');
    expect(lines[1]).toBe('鲜丰超市（朱泾店）');
    expect(lines[2]).toMatch(/^截单：\d{4}-\d\d-\d\d \d\d:\d\d {2}送达：/);
    expect(lines).toContain('3. 东北大米 5kg/袋 ¥39.90/袋');
    const chain = lines.slice(lines.indexOf('接龙：') + 1);
    const entries = chain.filter((l) => /^\d+\. \d+号楼/.test(l));
    // The page's chain holds the demo's dozen entries; each is a masked place and name.
    const shown = await r.locator('[data-testid="chain"] li[data-active="true"]').count();
    expect(entries.length).toBe(shown);
    expect(entries.length).toBeGreaterThan(5);
    for (const l of entries)
      expect(l).toMatch(/^\d+\. \d+号楼 \d+单元 \d\*+室 \p{Script=Han}{1,2}\* \S+×\d/u);
    const seqs = entries.map((l) => Number(l.split('.')[0]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(lines.at(-1)).toBe(`${baseURL()}/r/${COMMUNITY}/relays/${OPEN_RELAY}`);
  });
});

describe('2. a problem report does not choose the item', () => {
  it('少了商品 starts on 请选择商品 and cannot be sent without the item', async () => {
    // The 3-2 relay's truck arrives and is released; the volunteer delivers 3-2-201's bag.
    const v = volunteer.page;
    const { deliveryId } = await api<{ deliveryId: string }>(merchant.page, 'distribution.dispatch', {
      merchantId: MERCHANT,
      communityId: COMMUNITY,
      relayIds: [STAIRWELL_RELAY],
      eta: new Date(Date.now() + 3_600_000).toISOString(),
      vehiclePlate: '沪A·54321',
      driverName: '王师傅',
      driverPhone: '13900000098',
    });
    // 6. A dispatched delivery says the bags have not started, not "已送达 0 / 0 袋".
    const m = merchant.page;
    await m.goto(`/m/${MERCHANT}/relays/${STAIRWELL_RELAY}/delivery`);
    await m.getByText('还没开始送：门岗放行后，志愿者逐户送达').waitFor();
    expect(await m.getByText(/已送达 0 \/ 0 袋/).count()).toBe(0);
    await shot(m, JOURNEY, '05a-dispatched-not-started');
    const { batchId } = await api<{ batchId: string }>(v, 'distribution.recordArrival', {
      communityId: COMMUNITY,
      deliveryId,
      packageCount: 12,
    });
    await api(v, 'distribution.recordDisinfection', {
      communityId: COMMUNITY,
      batchId,
      agent: '含氯消毒剂',
      concentration: '500 mg/L',
      method: 'spray',
    });
    await expect
      .poll(
        () =>
          api(v, 'distribution.release', { communityId: COMMUNITY, batchId }).then(
            () => true,
            () => false,
          ),
        {
          timeout: 20_000,
          interval: 1_500,
        },
      )
      .toBe(true);
    const { bags } = await apiQuery<{ bags: { bagId: string; orderId: string }[] }>(
      v,
      'distribution.checkoffBags',
      {
        communityId: COMMUNITY,
      },
    );
    await api(v, 'distribution.checkOff', {
      communityId: COMMUNITY,
      checkoffId: crypto.randomUUID(),
      bagId: bags.find((b) => b.orderId === ORDER_201)!.bagId,
      outcome: 'delivered',
      clientAt: new Date().toISOString(),
    });
    // Another flat of the stairwell was not home: one problem bag.
    await api(v, 'distribution.checkOff', {
      communityId: COMMUNITY,
      checkoffId: crypto.randomUUID(),
      bagId: bags.find((b) => b.orderId !== ORDER_201)!.bagId,
      outcome: 'exception',
      exceptionKind: 'nobody_home',
      clientAt: new Date().toISOString(),
    });
    // 6. In English the gate counts "1 problem" and names the disinfectant in English.
    await volunteer.context.addCookies([{ name: 'NEXT_LOCALE', value: 'en', url: baseURL() }]);
    try {
      await v.goto(`/v/${COMMUNITY}/gate`);
      await v
        .getByText(/^1 of \d+ bags delivered · 1 problem$/)
        .first()
        .waitFor();
      expect(await v.getByText(/\b1 problems\b/).count()).toBe(0);
      await v
        .getByText(/Chlorine disinfectant/)
        .first()
        .waitFor();
      expect(await v.getByText(/含氯消毒剂/).count()).toBe(0);
      await shot(v, JOURNEY, '05b-gate-in-english');
    } finally {
      await volunteer.context.addCookies([{ name: 'NEXT_LOCALE', value: 'zh-CN', url: baseURL() }]);
    }

    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/bag`);
    const card = r.locator('[data-testid="order-card"]').filter({ hasText: '保供套餐 · 3号楼2单元' });
    await card.getByTestId('report-problem').click();
    const form = card.getByTestId('problem-form');
    await form.getByRole('button', { name: '少了商品' }).click();
    const which = form.getByLabel('哪件商品');
    expect(await which.inputValue()).toBe('');
    expect(await which.locator('option:checked').textContent()).toBe('请选择商品');
    await form.getByLabel('说明（可不填）').fill('青菜少了一份');
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByTestId('problem-item-required').getByText('请选择是哪件商品').waitFor();
    await shot(r, JOURNEY, '05-problem-item-required');
    // Nothing was filed.
    expect(await card.getByText(/报告：少了商品/).count()).toBe(0);
    // The bag's first item (the list holds only what this bag carries).
    await which.selectOption({ index: 1 });
    await form.getByRole('button', { name: '提交' }).click();
    await card.getByText(/报告：少了商品 · 待商家处理/).waitFor();
    await shot(r, JOURNEY, '06-problem-filed');
  });
});

describe('7. the coordinator board', () => {
  it('stairwells with bags today come first; 只看今天有袋子的楼道 is remembered', async () => {
    const page = owner.page;
    await page.goto(`/c/${COMMUNITY}/board`);
    const rows = page.getByTestId('stairwell-row');
    await rows.first().waitFor();
    const bagsOf = async (i: number) => Number(await rows.nth(i).locator('td').nth(2).textContent());
    // 3号楼2单元 has today's bags, far down the route order: it is on top.
    expect(await rows.first().locator('td').first().textContent()).toContain('3号楼');
    expect(await bagsOf(0)).toBeGreaterThan(0);
    const all = await rows.count();
    expect(all).toBe(135);
    await page.getByLabel('只看今天有袋子的楼道').check();
    await expect.poll(() => rows.count()).toBeLessThan(all);
    const some = await rows.count();
    for (let i = 0; i < some; i++) expect(await bagsOf(i)).toBeGreaterThan(0);
    // The batch is labelled with its relay and cutoff; the resident's open report is on the board.
    await page
      .getByTestId('batch-relay')
      .filter({ hasText: /^保供套餐.*（截单 .+）$/ })
      .first()
      .waitFor();
    const problem = page.getByTestId('board-problem').filter({ hasText: /^3-2-201 · 少了商品 / });
    await problem.waitFor();
    expect(await problem.textContent()).toContain('青菜少了一份');
    await shot(page, JOURNEY, '07-board-with-bags');
    // The choice lives in a cookie, so the server sends the page already filtered: no jump.
    const html = await (await page.request.get(`/c/${COMMUNITY}/board`)).text();
    expect(html.split('data-testid="stairwell-row"').length - 1).toBe(some);
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByLabel('只看今天有袋子的楼道').isChecked()).toBe(true);
    expect(await rows.count()).toBe(some);
  });
});
