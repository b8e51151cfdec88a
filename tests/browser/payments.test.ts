/**
 * Paying, in phone-sized Chromium against the production server, the demo compound and the local
 * Stripe mock (issue 10): the merchant opens a relay that also takes cash on delivery; a resident
 * pays by WeChat Pay — the QR is shown, the payment is authorized at the mock's test-mode page in
 * another tab, and the pay page turns paid without a reload; the stairwell volunteer orders for
 * the phone-less care household 3-2-101 (代下单), leaves, finds the order under 我代下的单 on the
 * volunteer home and pays it (代付); a second 代下单 for that household is cash on delivery, and
 * after the delivery (set up through the API) its bag is checked off with the cash collected,
 * which the merchant's delivery page then shows as held by the volunteer.
 * Screenshots: artifacts/screenshots/payments/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'payments';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const TITLE = '货到付款鸡蛋团 · 支付测试';

type Phone = Awaited<ReturnType<typeof openPhone>>;
let merchant: Phone;
let resident: Phone;
let volunteer: Phone;
let relayId = '';
let cashOrderId = '';

/** A tRPC call with the page's own session (superjson: Date fields named in `dates`). */
async function api<T>(
  page: Page,
  path: string,
  input: Record<string, unknown>,
  dates: string[] = [],
): Promise<T> {
  const json = Object.fromEntries(
    Object.entries(input).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
  const meta = dates.length ? { values: Object.fromEntries(dates.map((d) => [d, ['Date']])) } : undefined;
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json, ...(meta ? { meta } : {}) } });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error)}`);
  return body.result!.data.json;
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
  [merchant, resident, volunteer] = await Promise.all([openPhone(), openPhone(), openPhone()]);
});
afterAll(async () => {
  await Promise.all([merchant?.close(), resident?.close(), volunteer?.close()]);
});

describe('paying by WeChat Pay, for someone else, and in cash at the door', () => {
  it('the merchant opens a relay that also takes cash on delivery', async () => {
    const page = merchant.page;
    await signIn(page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
    await page.goto(`/m/${MERCHANT}/relays`);
    await page.getByTestId('new-relay').click();
    const form = page.getByTestId('create-relay-form');
    await form.waitFor();
    await form.locator('#rl-title').fill(TITLE);
    await form.locator('[data-product="新鲜鸡蛋"] input[type="checkbox"]').check();
    await form.getByRole('button', { name: '按户数' }).click();
    await form.locator('#rl-threshold').fill('2');
    await form.getByTestId('relay-cash-on-delivery').check();
    await shot(page, JOURNEY, '01-merchant-create-cash');
    await page.getByTestId('create-relay-submit').click();
    await page.waitForURL(/\/m\/[^/]+\/relays\/[0-9a-f-]{36}$/);
    relayId = page.url().split('/').pop()!;
    await expect
      .poll(() => page.getByTestId('relay-status').textContent(), { timeout: 15_000 })
      .toBe('接龙中');
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
    expect(await mine.textContent()).toMatch(/还剩 \d/);
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

  it('a cash-on-delivery bag is checked off with the cash collected', async () => {
    const page = volunteer.page;
    cashOrderId = await orderForCareHousehold(page);
    await page.goto(`/pay/${cashOrderId}?c=${COMMUNITY}`);
    await page.getByTestId('pay-method-cash').click();
    await page.getByTestId('pay-cash').waitFor({ timeout: 15_000 });
    await shot(page, JOURNEY, '08-cash-chosen');

    // The delivery, through the API: close (it forms), dispatch, arrival, disinfection, release.
    await api(merchant.page, 'relay.close', { merchantId: MERCHANT, communityId: COMMUNITY, relayId });
    const { deliveryId } = await api<{ deliveryId: string }>(
      merchant.page,
      'distribution.dispatch',
      {
        merchantId: MERCHANT,
        relayIds: [relayId],
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
      packageCount: 3,
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
    const card = page.locator(`[data-testid="bag-card"][data-order-id="${cashOrderId}"]`);
    await card.waitFor({ timeout: 20_000 });
    const cash = card.getByTestId('cash-collected');
    await cash.waitFor();
    expect(await cash.inputValue()).toBe('29.80');
    await shot(page, JOURNEY, '09-cash-bag');
    await card.getByTestId('tap-delivered').click();
    await page.locator('[data-testid="all-synced"]').waitFor({ state: 'visible', timeout: 30_000 });
    await shot(page, JOURNEY, '10-cash-delivered');
    // Delivered (the list hides done bags): the API says so, and no cash is left to collect.
    const input = encodeURIComponent(JSON.stringify({ json: { communityId: COMMUNITY } }));
    const res = await page.request.get(`/api/trpc/distribution.checkoffBags?input=${input}`);
    const list = (await res.json()) as {
      result: {
        data: { json: { bags: { orderId: string; status: string; cashToCollect: number | null }[] } };
      };
    };
    expect(list.result.data.json.bags.find((b) => b.orderId === cashOrderId)).toMatchObject({
      status: 'delivered',
      cashToCollect: null,
    });

    // The merchant sees the cash the volunteer holds.
    await merchant.page.goto(`/m/${MERCHANT}/relays/${relayId}/delivery`);
    const held = merchant.page
      .getByTestId('cash-volunteer')
      .filter({ hasText: DEMO_ACCOUNTS.volunteer.name });
    await held.waitFor({ timeout: 15_000 });
    expect(await held.textContent()).toContain('¥29.80');
    await shot(merchant.page, JOURNEY, '11-merchant-cash-held');
  });
});
