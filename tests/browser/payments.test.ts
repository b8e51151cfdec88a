/**
 * Paying, in phone-sized Chromium against the production server, the demo compound and the local
 * Stripe mock (issue 10): the merchant opens a relay that also takes cash on delivery; a resident
 * pays by WeChat Pay — the QR is shown, the payment is authorized at the mock's test-mode page in
 * another tab, and the pay page turns paid without a reload; the stairwell volunteer orders for
 * the phone-less care household 3-2-101 (代下单), leaves, finds the order under 我代下的单 on the
 * volunteer home and pays it (代付). Then, on a second relay and for a phone-less household outside
 * 3号楼2单元 (so the distribution journey's stairwell tally is untouched, in any file order), the
 * coordinator orders for it and chooses cash on delivery; after the delivery (set up through the
 * API) the bag is checked off with the cash collected, which the merchant's delivery page then
 * shows as held by the coordinator.
 * Screenshots: artifacts/screenshots/payments/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';
import { api, apiQuery } from './trpc';

const JOURNEY = 'payments';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const TITLE = '货到付款鸡蛋团 · 支付测试';
const CASH_TITLE = '货到付款 · 送货上门测试';

type Phone = Awaited<ReturnType<typeof openPhone>>;
let merchant: Phone;
let resident: Phone;
let volunteer: Phone;
let coordinator: Phone;
let relayId = '';
let cashOrderId = '';

/** The merchant creates a relay of eggs that takes cash on delivery, open now; returns its id. */
async function createRelay(page: Page, title: string, opts: { threshold: number }): Promise<string> {
  await page.goto(`/m/${MERCHANT}/relays`);
  await page.getByTestId('new-relay').click();
  const form = page.getByTestId('create-relay-form');
  await form.waitFor();
  await form.locator('#rl-title').fill(title);
  await form.locator('[data-product="新鲜鸡蛋"] input[type="checkbox"]').check();
  if (opts.threshold > 0) {
    await form.getByRole('button', { name: '按户数' }).click();
    await form.locator('#rl-threshold').fill(String(opts.threshold));
  } else {
    await form.getByRole('button', { name: '不设门槛' }).click();
  }
  await form.getByTestId('relay-cash-on-delivery').check();
  await shot(page, JOURNEY, `01-merchant-create-${opts.threshold}`);
  await page.getByTestId('create-relay-submit').click();
  await page.waitForURL(/\/m\/[^/]+\/relays\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  await expect.poll(() => page.getByTestId('relay-status').textContent(), { timeout: 15_000 }).toBe('接龙中');
  return id;
}

async function stepUp(page: Page, itemName: string, times: number) {
  const row = page.locator('[data-testid="order-form"] li').filter({ hasText: itemName });
  for (let i = 0; i < times; i++)
    await row.getByRole('button', { name: new RegExp(`${itemName}加一份`) }).click();
}

/** The volunteer orders one box of eggs for 3-2-101 and returns the order id (from the pay link). */
async function orderForCareHousehold(page: Page): Promise<string> {
  await page.goto(`/v/${COMMUNITY}/order-for`);
  const pick = page.getByRole('button', { name: new RegExp(TITLE) });
  if (await pick.count()) await pick.click();
  const care = page.locator('[data-testid="household-pick"] button[data-room="3-2-101"]');
  await care.waitFor();
  await care.click();
  await stepUp(page, '新鲜鸡蛋', 1);
  await page.getByTestId('join-submit').click();
  const done = page.getByTestId('order-for-done');
  await done.waitFor({ timeout: 15_000 });
  const href = await done.locator('a').getAttribute('href');
  return href!.split('/pay/')[1]!.split('?')[0]!;
}

beforeAll(async () => {
  [merchant, resident, volunteer, coordinator] = await Promise.all([
    openPhone(),
    openPhone(),
    openPhone(),
    openPhone(),
  ]);
});
afterAll(async () => {
  await Promise.all([merchant?.close(), resident?.close(), volunteer?.close(), coordinator?.close()]);
});

describe('paying by WeChat Pay, for someone else, and in cash at the door', () => {
  it('the merchant opens a relay that also takes cash on delivery', async () => {
    await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
    relayId = await createRelay(merchant.page, TITLE, { threshold: 2 });
  });

  it('a resident pays by WeChat Pay: QR shown, authorized at the mock, the page turns paid without reload', async () => {
    const page = resident.page;
    await signIn(page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
    await page.goto(`/r/${COMMUNITY}/relays/${relayId}`);
    await page.getByTestId('order-form').waitFor();
    await stepUp(page, '新鲜鸡蛋', 1);
    await page.getByTestId('join-submit').click();
    await page.getByTestId('joined-pay').click();
    await page.waitForURL(/\/pay\//);
    const payUrl = page.url();
    // A resident with a smartphone is not offered cash.
    await page.getByTestId('pay-method-wechat_pay').waitFor();
    expect(await page.getByTestId('pay-method-cash').count()).toBe(0);
    await page.getByTestId('pay-method-wechat_pay').click();
    const qr = page.getByTestId('wechat-qr');
    await qr.waitFor();
    expect(await qr.locator('img').getAttribute('src')).toMatch(/^data:image\//);
    await shot(page, JOURNEY, '02-wechat-qr');

    // The payer's phone: the mock's test-mode page the QR points at.
    const hosted = (await page.getByTestId('wechat-open').getAttribute('href'))!;
    const wallet = await resident.context.newPage();
    await wallet.goto(hosted);
    await shot(wallet, JOURNEY, '03-mock-authorize');
    await wallet.getByTestId('mock-authorize').click();
    await wallet.close();

    await page.getByTestId('pay-success').waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(payUrl);
    await shot(page, JOURNEY, '04-wechat-paid');
  });

  it('the volunteer places a 代下单, leaves, finds it under 我代下的单 and pays it', async () => {
    const page = volunteer.page;
    await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
    const orderId = await orderForCareHousehold(page);
    await shot(page, JOURNEY, '05-volunteer-ordered');
    // Leaves without paying, comes back later to the volunteer home.
    await page.goto('/');
    await page.goto(`/v/${COMMUNITY}`);
    const mine = page.locator(`[data-testid="on-behalf-order"][data-order="${orderId}"]`);
    await mine.waitFor({ timeout: 15_000 });
    expect(await mine.getAttribute('data-payable')).toBe('true');
    expect(await mine.textContent()).toMatch(/剩 \d+ 分 \d+ 秒/);
    // Unpaid orders come first.
    expect(await page.locator('[data-testid="on-behalf-order"]').first().getAttribute('data-payable')).toBe(
      'true',
    );
    await shot(page, JOURNEY, '06-on-behalf-list');
    await mine.getByTestId('on-behalf-pay').click();
    await page.waitForURL(new RegExp(`/pay/${orderId}`));
    await page.getByTestId('pay-method-card').click();
    await page.getByTestId('pay-visa').click();
    await page.getByTestId('pay-success').waitFor({ timeout: 30_000 });
    await page.getByTestId('pay-payer').waitFor();
    await shot(page, JOURNEY, '07-on-behalf-paid');
    await page.goto(`/v/${COMMUNITY}`);
    await expect
      .poll(() =>
        page.locator(`[data-testid="on-behalf-order"][data-order="${orderId}"]`).getAttribute('data-payable'),
      )
      .toBe('false');
  });

  it('a cash-on-delivery bag is checked off with the cash collected', { timeout: 200_000 }, async () => {
    // Its own relay and a phone-less household outside 3号楼2单元 (whose tally other journeys count);
    // the coordinator orders for it, chooses cash, and checks the bag off at the door.
    const page = coordinator.page;
    await signIn(page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code);
    const care = await apiQuery<{
      households: {
        id: string;
        buildingNumber: string;
        stairwellNumber: string;
        stairwellId: string;
        room: string;
      }[];
    }>(page, 'roster.careProfiles', { communityId: COMMUNITY, category: 'no_smartphone' });
    const home = care.households.find((h) => !(h.buildingNumber === '3' && h.stairwellNumber === '2'))!;
    expect(home).toBeTruthy();
    const cashRelayId = await createRelay(merchant.page, CASH_TITLE, { threshold: 0 });
    const relay = await apiQuery<{ items: { id: string; name: string; unitPriceFen: number }[] }>(
      page,
      'relay.get',
      {
        communityId: COMMUNITY,
        relayId: cashRelayId,
      },
    );
    const eggs = relay.items.find((i) => i.name === '新鲜鸡蛋')!;
    const joined = await api<{ order: { orderId: string; totalFen: number } }>(page, 'relay.join', {
      communityId: COMMUNITY,
      relayId: cashRelayId,
      householdId: home.id,
      lines: [{ relayItemId: eggs.id, qty: 1 }],
      idempotencyKey: `browser-cash-${Date.now()}`,
    });
    cashOrderId = joined.order.orderId;
    await page.goto(`/pay/${cashOrderId}?c=${COMMUNITY}`);
    await page.getByTestId('pay-method-cash').click();
    await page.getByTestId('pay-cash').waitFor({ timeout: 15_000 });
    await shot(page, JOURNEY, '08-cash-chosen');

    // The delivery, through the API: close (it forms), dispatch, arrival, disinfection, release.
    await api(merchant.page, 'relay.close', {
      merchantId: MERCHANT,
      communityId: COMMUNITY,
      relayId: cashRelayId,
    });
    // 提前截单 can be undone for a while (40 s in the journeys); the cutoff job then decides it.
    await expect
      .poll(
        async () =>
          (
            await apiQuery<{ status: string }>(merchant.page, 'relay.getForMerchant', {
              merchantId: MERCHANT,
              relayId: cashRelayId,
            })
          ).status,
        { timeout: 90_000, interval: 2_000 },
      )
      .toBe('formed');
    const { deliveryId } = await api<{ deliveryId: string }>(
      merchant.page,
      'distribution.dispatch',
      {
        merchantId: MERCHANT,
        communityId: COMMUNITY,
        relayIds: [cashRelayId],
        eta: new Date(Date.now() + 3_600_000),
        vehiclePlate: '沪A·10086',
        driverName: '李师傅',
        driverPhone: '13900000099',
      },
      ['eta'],
    );
    const { batchId } = await api<{ batchId: string }>(page, 'distribution.recordArrival', {
      communityId: COMMUNITY,
      deliveryId,
      packageCount: 1,
    });
    await api(page, 'distribution.recordDisinfection', {
      communityId: COMMUNITY,
      batchId,
      agent: '含氯消毒剂',
      concentration: '500 mg/L',
      method: 'spray',
    });
    for (let attempt = 0; ; attempt++) {
      await page.waitForTimeout(2_000);
      try {
        await api(page, 'distribution.release', { communityId: COMMUNITY, batchId });
        break;
      } catch (e) {
        if (attempt > 15) throw e;
      }
    }

    await page.goto(`/v/${COMMUNITY}/checkoff`);
    const pickStairwell = page.locator('nav select');
    await pickStairwell.waitFor();
    await pickStairwell.selectOption(home.stairwellId);
    const card = page.locator(`[data-testid="bag-card"][data-order-id="${cashOrderId}"]`);
    await card.waitFor({ timeout: 20_000 });
    const cash = card.getByTestId('cash-collected');
    await cash.waitFor();
    expect(await cash.inputValue()).toBe((joined.order.totalFen / 100).toFixed(2));
    await shot(page, JOURNEY, '09-cash-bag');
    await card.getByTestId('tap-delivered').click();
    await page.locator('[data-testid="all-synced"]').waitFor({ state: 'visible', timeout: 30_000 });
    await shot(page, JOURNEY, '10-cash-delivered');
    // Delivered (the list hides done bags): the API says so, and no cash is left to collect.
    const list = await apiQuery<{
      bags: { orderId: string; status: string; cashToCollect: number | null }[];
    }>(page, 'distribution.checkoffBags', { communityId: COMMUNITY, stairwellId: home.stairwellId });
    expect(list.bags.find((b) => b.orderId === cashOrderId)).toMatchObject({
      status: 'delivered',
      cashToCollect: null,
    });

    // The merchant sees the cash the coordinator collected and holds.
    await merchant.page.goto(`/m/${MERCHANT}/relays/${cashRelayId}/delivery`);
    const held = merchant.page.getByTestId('cash-volunteer').filter({ hasText: DEMO_ACCOUNTS.admin.name });
    await held.waitFor({ timeout: 15_000 });
    expect(await held.textContent()).toContain(`¥${(joined.order.totalFen / 100).toFixed(2)}`);
    await shot(merchant.page, JOURNEY, '11-merchant-cash-held');
  });
});
