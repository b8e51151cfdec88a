/**
 * What a walk through the whole flow found (issue 13, items 1, 3, 4 and 5), as a person meets it
 * on a phone-sized Chromium in zh-CN:
 *  1. 提前截单 asks first (成团 or 未成团, how many orders refunded) and can be undone;
 *  5. each check-off card says which merchant and relay a bag belongs to and how many items it has;
 *  3. a bag's 短码 is on the resident's bag page and is typed on the check-off page, online and
 *     offline; another stairwell's code is refused;
 *  4. a mis-tapped ✓ 送达 is undone, online and offline, and the resident's bag page follows.
 * It runs on its own server (port BROWSER_PORT+2, a fresh demo) because it dispatches the demo
 * relays, which other journeys expect to find formed. Screenshots: artifacts/screenshots/walkthrough-flow/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { startServer } from './global-setup';
import { openPhone, shot, signIn } from './helpers';
import { api, apiQuery } from './trpc';

const JOURNEY = 'walkthrough-flow';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const OPEN_RELAY = demoId('relay:open-2');
const FORMED_RELAY = demoId('relay:formed-1');
const STAIRWELL_RELAY = demoId('relay:distribution-demo');
/** Orders of the 3-2 demo relay by 接龙号: 3 = 201 (张桂英), 4 = 202 (李秀兰), … */
const order = (seq: number) => demoId(`relay:distribution-demo:order:${seq}`);

type Phone = Awaited<ReturnType<typeof openPhone>>;
let server: Awaited<ReturnType<typeof startServer>>;
let merchant: Phone;
let volunteer: Phone;
let resident: Phone;
let resident2: Phone;

type ApiBag = {
  bagId: string;
  orderId: string;
  shortCode: string | null;
  status: string;
  stairwellId: string;
};
const bagsViaApi = async (page: Page) =>
  (await apiQuery<{ bags: ApiBag[] }>(page, 'distribution.checkoffBags', { communityId: COMMUNITY })).bags;
const card = (page: Page, orderId: string) =>
  page.locator(`[data-testid="bag-card"][data-order-id="${orderId}"]`);
const waitForSynced = (page: Page) =>
  page.locator('[data-testid="all-synced"]').waitFor({ state: 'visible', timeout: 30_000 });

beforeAll(async () => {
  server = await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 2);
  const opts = { baseURL: server.baseURL };
  [merchant, volunteer, resident, resident2] = await Promise.all([
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
  ]);
  await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
  await signIn(volunteer.page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
  await signIn(resident2.page, DEMO_ACCOUNTS.resident2.phone, DEMO_ACCOUNTS.resident2.code);
}, 300_000);
afterAll(async () => {
  // The server stops even when a phone reports accessibility findings on closing.
  try {
    await Promise.all([merchant?.close(), volunteer?.close(), resident?.close(), resident2?.close()]);
  } finally {
    await server?.stop();
  }
});

describe('1. 提前截单 asks first, with undo', () => {
  it('the confirmation says what will happen; after closing, 撤销截单 restores the open relay', async () => {
    const page = merchant.page;
    await page.goto(`/m/${MERCHANT}/relays/${OPEN_RELAY}`);
    await page.getByTestId('close-now').click();
    const ask = page.getByTestId('close-confirm');
    await ask.waitFor();
    // 12 paid households of the 30 needed: it would fail and refund all 12.
    await ask.getByText('确认提前截单？').waitFor();
    await ask.getByText('截单后接龙将未成团，12 单将全额退款').waitFor();
    await ask.getByText('3 分钟内可以撤销').waitFor();
    await shot(page, JOURNEY, '01-close-asks-first');
    // Not yet: 先不截单 keeps it open.
    await ask.getByRole('button', { name: '先不截单' }).click();
    await expect(ask.count()).resolves.toBe(0);
    await page.getByTestId('close-now').click();
    await page.getByTestId('close-confirm-yes').click();

    const undo = page.getByTestId('close-undo');
    await undo.waitFor();
    await undo.getByText(/已提前截单。\d 分 \d\d 秒 内可以撤销/).waitFor();
    await shot(page, JOURNEY, '02-closed-undo-offered');
    const closed = await apiQuery<{ status: string; closeUndoUntil: string | null }>(
      page,
      'relay.getForMerchant',
      { merchantId: MERCHANT, relayId: OPEN_RELAY },
    );
    expect(closed.status).toBe('closed');
    expect(closed.closeUndoUntil).not.toBeNull();

    await undo.getByRole('button', { name: '撤销截单' }).click();
    await page.getByText('已撤销截单，接龙继续进行。').waitFor();
    await page.getByTestId('close-now').waitFor();
    await shot(page, JOURNEY, '03-close-undone');
    const reopened = await apiQuery<{ status: string; orderCounts: Record<string, number> }>(
      page,
      'relay.getForMerchant',
      { merchantId: MERCHANT, relayId: OPEN_RELAY },
    );
    expect(reopened.status).toBe('open');
    expect(reopened.orderCounts.paid).toBe(12);
  });
});

describe('the truck arrives (set up through the API): two relays of one merchant, one batch', () => {
  it('is dispatched, received, disinfected and released', async () => {
    const { deliveryId } = await api<{ deliveryId: string }>(merchant.page, 'distribution.dispatch', {
      merchantId: MERCHANT,
      communityId: COMMUNITY,
      relayIds: [STAIRWELL_RELAY, FORMED_RELAY],
      eta: new Date(Date.now() + 3_600_000).toISOString(),
      vehiclePlate: '沪A·12345',
      driverName: '李师傅',
      driverPhone: '13900000099',
    });
    const v = volunteer.page;
    const { batchId } = await api<{ batchId: string }>(v, 'distribution.recordArrival', {
      communityId: COMMUNITY,
      deliveryId,
      packageCount: 320,
    });
    await api(v, 'distribution.recordDisinfection', {
      communityId: COMMUNITY,
      batchId,
      agent: '含氯消毒剂',
      concentration: '500 mg/L',
      method: 'spray',
    });
    for (let attempt = 0; ; attempt++) {
      await new Promise((r) => setTimeout(r, 1_500));
      try {
        await api(v, 'distribution.release', { communityId: COMMUNITY, batchId });
        break;
      } catch (e) {
        if (attempt > 10) throw e;
      }
    }
  });
});

describe('5. check-off cards say which relay', () => {
  it('every card names the merchant, the relay and the bag’s item count', async () => {
    const page = volunteer.page;
    await page.goto(`/v/${COMMUNITY}/checkoff`);
    const mine = card(page, order(3));
    await mine.waitFor();
    await mine.getByTestId('bag-relay').getByText('鲜丰超市（朱泾店） · 保供套餐 · 3号楼2单元').waitFor();
    // The count is the sum of the listed items.
    const cards = page.getByTestId('bag-card');
    const n = await cards.count();
    expect(n).toBeGreaterThan(12);
    const titles = new Set<string>();
    for (let i = 0; i < n; i++) {
      const c = cards.nth(i);
      const line = (await c.getByTestId('bag-relay').textContent()) ?? '';
      const items = await c.locator('.dist-items li').allTextContents();
      const sum = items.reduce((s, t) => s + Number(/×\s*(\d+)/.exec(t)?.[1] ?? 0), 0);
      expect(line).toContain(`共 ${sum} 件`);
      expect(line.startsWith('鲜丰超市（朱泾店） · ')).toBe(true);
      titles.add(
        line.includes('保供套餐第1期')
          ? '保供套餐第1期'
          : line.includes('保供套餐 · 3号楼2单元')
            ? '保供套餐 · 3号楼2单元'
            : line,
      );
    }
    // The 3-2 relay and the merchant's compound-wide one (3-1 bags): told apart on every card.
    expect([...titles].sort()).toEqual(['保供套餐 · 3号楼2单元', '保供套餐第1期'].sort());
    await mine.scrollIntoViewIfNeeded();
    await shot(page, JOURNEY, '04-cards-say-which-relay');
  });
});

describe('3. short codes', () => {
  it('the resident sees the bag’s 短码; typed on the check-off page it finds the bag', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/bag`);
    const mine = r.locator('[data-testid="order-card"]').filter({ hasText: '保供套餐 · 3号楼2单元' });
    const codeLine = mine.getByTestId('bag-short-code');
    await codeLine.waitFor();
    const shown = ((await codeLine.locator('strong').textContent()) ?? '').trim();
    expect(shown).toMatch(/^[34679ACEFGHJKMNPRTWXY]{3} [34679ACEFGHJKMNPRTWXY]{3}$/);
    await shot(r, JOURNEY, '05-resident-bag-short-code');

    const page = volunteer.page;
    await page.getByTestId('manual-code').fill(shown.toLowerCase());
    await page.getByTestId('manual-submit').click();
    const sheet = page.getByTestId('bag-sheet');
    await sheet.getByText('3号楼 2单元 201室').first().waitFor();
    await shot(page, JOURNEY, '06-typed-code-found-bag');
    await sheet.getByTestId('sheet-delivered').click();
    // 全部已同步 also shows in the instant before the tap is queued: ask the server until it has it.
    await expect
      .poll(async () => (await bagsViaApi(page)).find((b) => b.orderId === order(3))?.status, {
        timeout: 15_000,
      })
      .toBe('delivered');
    await waitForSynced(page);
  });

  it('offline, a typed code is matched on the phone and synced later; another stairwell’s is refused', async () => {
    const page = volunteer.page;
    const bags = await bagsViaApi(page);
    const seventh = bags.find((b) => b.orderId === order(7))!;
    // A bag of the compound-wide relay in a stairwell this volunteer does not serve.
    const pl = await apiQuery<{
      bags: { orderId: string; shortCode: string | null; buildingNumber: string; stairwellNumber: string }[];
    }>(merchant.page, 'picklist.relay', { relayId: FORMED_RELAY, merchantId: MERCHANT });
    const foreign = pl.bags.find(
      (b) => b.shortCode && !(b.buildingNumber === '3' && ['1', '2'].includes(b.stairwellNumber)),
    )!;

    await volunteer.context.setOffline(true);
    await page.getByText('离线').first().waitFor();
    await page
      .getByTestId('manual-code')
      .fill(`${seventh.shortCode!.slice(0, 3)}-${seventh.shortCode!.slice(3)}`);
    await page.getByTestId('manual-submit').click();
    await page.getByTestId('bag-sheet').getByTestId('sheet-delivered').click();
    await page.locator('[data-testid="pending-sync"]', { hasText: /^1$/ }).waitFor();

    await page.getByTestId('manual-code').fill(foreign.shortCode!);
    await page.getByTestId('manual-submit').click();
    await page.getByTestId('checkoff-notice').getByText('这个袋子不在您负责的楼道，或还没有到门口').waitFor();
    await shot(page, JOURNEY, '07-offline-code-queued-foreign-refused');

    await volunteer.context.setOffline(false);
    await waitForSynced(page);
    const after = await bagsViaApi(page);
    expect(after.find((b) => b.orderId === order(7))!.status).toBe('delivered');
    expect(after.some((b) => b.orderId === foreign.orderId)).toBe(false);
  });
});

describe('4. undo ✓ 送达', () => {
  it('online: the mis-tap is undone from the notice and the resident’s bag page follows', async () => {
    const page = volunteer.page;
    const r2 = resident2.page;
    await card(page, order(4)).getByTestId('tap-delivered').click();
    await waitForSynced(page);
    await r2.goto(`/r/${COMMUNITY}/bag`);
    const theirs = r2.locator('[data-testid="order-card"]').filter({ hasText: '保供套餐 · 3号楼2单元' });
    await theirs.and(r2.locator('[data-stage="delivered"]')).waitFor();

    const undo = page.getByTestId('checkoff-notice').getByTestId('notice-undo');
    await undo.getByText(/撤销送达（剩 \d:\d\d）/).waitFor();
    await shot(page, JOURNEY, '08-delivered-undo-offered');
    await undo.click();
    await page.getByText('已撤销 3号楼 2单元 202室 的送达，袋子回到待送').waitFor();
    await waitForSynced(page);
    await card(page, order(4)).and(page.locator('[data-status="pending"]')).waitFor();
    await shot(page, JOURNEY, '09-delivery-undone');
    expect((await bagsViaApi(page)).find((b) => b.orderId === order(4))!.status).toBe('pending');

    await r2.reload();
    await theirs.and(r2.locator('[data-stage="released"]')).waitFor();
    await expect(theirs.getByTestId('bag-stage').textContent()).resolves.toBe('派送中');
    await shot(r2, JOURNEY, '10-resident-sees-undo');
  });

  it('offline: the check-off and its undo wait on the phone and sync in order', async () => {
    const page = volunteer.page;
    await volunteer.context.setOffline(true);
    await page.getByText('离线').first().waitFor();
    await card(page, order(5)).getByTestId('tap-delivered').click();
    await card(page, order(5)).getByTestId('undo-delivered').click();
    await page.locator('[data-testid="pending-sync"]', { hasText: /^2$/ }).waitFor();
    await card(page, order(5)).and(page.locator('[data-status="pending"]')).waitFor();
    await shot(page, JOURNEY, '11-offline-undo-queued');
    await volunteer.context.setOffline(false);
    await waitForSynced(page);
    await expect(page.getByText('没有成功').count()).resolves.toBe(0);
    expect((await bagsViaApi(page)).find((b) => b.orderId === order(5))!.status).toBe('pending');
    await shot(page, JOURNEY, '12-offline-undo-synced');
  });
});
