/**
 * From the truck to the door, in phone-sized Chromium against the production server and the demo
 * compound (db/seed/distribution.ts adds a formed relay with paid orders in stairwell 3-2):
 * the merchant dispatches; the gate volunteer records the arrival and the disinfection, waits out
 * the (test-short) dwell and releases; the stairwell volunteer checks off three bags — one by
 * feeding a photo of its QR label to the scanner, one by a tap, one as an exception; the resident
 * sees "delivered"; then the volunteer's phone goes offline, checks off two more bags, comes back
 * and syncs them exactly once; the coordinator's board shows the tally.
 * Screenshots: artifacts/screenshots/distribution/.
 */
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'distribution';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const RELAY = demoId('relay:distribution-demo');
/** Orders of the demo relay by 接龙号; the chain follows the route: 1 = 101, 2 = 102, 3 = 201 (the demo resident), … */
const order = (seq: number) => demoId(`relay:distribution-demo:order:${seq}`);

type Phone = Awaited<ReturnType<typeof openPhone>>;
let merchant: Phone;
let volunteer: Phone;
let resident: Phone;

type ApiBag = { bagId: string; orderId: string; code: string; status: string };

/** The volunteer's bag list as the API returns it (the page's own session). */
async function bagsViaApi(page: Page): Promise<ApiBag[]> {
  const input = encodeURIComponent(JSON.stringify({ json: { communityId: COMMUNITY } }));
  const res = await page.request.get(`/api/trpc/distribution.checkoffBags?input=${input}`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { result: { data: { json: { bags: ApiBag[] } } } };
  return body.result.data.json.bags;
}

function card(page: Page, orderId: string) {
  return page.locator(`[data-testid="bag-card"][data-order-id="${orderId}"]`);
}

async function waitForSynced(page: Page) {
  await page.locator('[data-testid="all-synced"]').waitFor({ state: 'visible', timeout: 30_000 });
}

beforeAll(async () => {
  merchant = await openPhone();
  volunteer = await openPhone();
  resident = await openPhone();
});
afterAll(async () => {
  await merchant?.close();
  await volunteer?.close();
  await resident?.close();
});

describe('gate hand-over, disinfection and stairwell check-off', () => {
  it('the merchant dispatches the formed relay', async () => {
    const page = merchant.page;
    await signIn(page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
    await page.goto(`/m/${MERCHANT}/relays/${RELAY}/delivery`);
    await page.getByTestId('dispatch-form').waitFor();
    await shot(page, JOURNEY, '01-merchant-dispatch');
    await page.getByTestId('dispatch').click();
    await page.getByText('配送进度').waitFor();
    await page.getByText('已发车').first().waitFor();
    await shot(page, JOURNEY, '02-merchant-dispatched');
  });

  it('the gate records the arrival and the disinfection, and releases only after the dwell', async () => {
    const page = volunteer.page;
    await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
    await page.goto(`/v/${COMMUNITY}/gate`);
    const arrival = page.getByTestId('arrival-card').filter({ hasText: '保供套餐 · 3号楼2单元' });
    await arrival.waitFor();
    await shot(page, JOURNEY, '03-gate-truck-on-the-way');
    await arrival.getByTestId('package-count').fill('12');
    await arrival.getByTestId('record-arrival').click();

    const batch = page.getByTestId('batch-card').first();
    await batch.getByTestId('disinfection-form').waitFor();
    await batch.getByTestId('method-spray').click();
    await batch.getByTestId('record-disinfection').click();
    await page.locator('[data-testid="batch-card"][data-status="disinfecting"]').waitFor();
    // The release button is disabled until the countdown (server clock) reaches zero.
    await expect(batch.getByTestId('release-batch').isDisabled()).resolves.toBe(true);
    await shot(page, JOURNEY, '04-gate-disinfecting-countdown');

    const released = page.locator('[data-testid="batch-card"][data-status="released"]');
    for (let attempt = 0; attempt < 5 && !(await released.count()); attempt++) {
      await page.locator('[data-testid="release-batch"]:not([disabled])').waitFor({ timeout: 30_000 });
      await page.getByTestId('release-batch').click();
      await released
        .or(page.locator('[data-testid="batch-card"] .error'))
        .first()
        .waitFor({ timeout: 15_000 });
    }
    await released.waitFor();
    await shot(page, JOURNEY, '05-gate-released');
  });

  it('the volunteer checks off three bags: a QR photo, a tap and an exception', async () => {
    const page = volunteer.page;
    await page.goto(`/v/${COMMUNITY}/checkoff`);
    await card(page, order(3)).waitFor();
    await shot(page, JOURNEY, '06-checkoff-list');

    // 1. A photo of the resident's bag label, fed to the scanner's image input.
    const bags = await bagsViaApi(page);
    const residentBag = bags.find((b) => b.orderId === order(3))!;
    const png = await QRCode.toBuffer(residentBag.code, { type: 'png', width: 480, margin: 4 });
    await page
      .getByTestId('scan-image-input')
      .setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: png });
    await page.getByTestId('bag-sheet').waitFor();
    await shot(page, JOURNEY, '07-checkoff-scanned');
    await page.getByTestId('sheet-delivered').click();
    await page.getByTestId('checkoff-notice').filter({ hasText: '201' }).waitFor();

    // 2. A tap on the next bag.
    await card(page, order(4)).getByTestId('tap-delivered').click();
    // 3. Nobody home at the third.
    await card(page, order(5)).getByTestId('tap-exception').click();
    await page.getByTestId('reason-nobody_home').click();
    await page.getByTestId('confirm-exception').click();
    await waitForSynced(page);
    await shot(page, JOURNEY, '08-checkoff-three-done');

    const after = await bagsViaApi(page);
    const status = (seq: number) => after.find((b) => b.orderId === order(seq))!.status;
    expect([status(3), status(4), status(5)]).toEqual(['delivered', 'delivered', 'exception']);
  });

  it('the resident sees the bag delivered', async () => {
    const page = resident.page;
    await signIn(page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
    await page.goto(`/r/${COMMUNITY}/bag`);
    const mine = page.locator('[data-testid="order-card"]').filter({ hasText: '保供套餐 · 3号楼2单元' });
    await mine.waitFor();
    await expect(mine.getAttribute('data-stage')).resolves.toBe('delivered');
    await expect(mine.getByTestId('bag-stage').textContent()).resolves.toBe('已送达');
    await mine.getByText('由志愿者 王* 送达').waitFor();
    await shot(page, JOURNEY, '09-resident-delivered');
  });

  it('offline: two check-offs wait on the phone and sync exactly once when the network returns', async () => {
    const page = volunteer.page;
    await card(page, order(6)).waitFor();
    await volunteer.context.setOffline(true);
    await page.getByText('离线').first().waitFor();
    await card(page, order(6)).getByTestId('tap-delivered').click();
    await card(page, order(7)).getByTestId('tap-delivered').click();
    await page.locator('[data-testid="pending-sync"]', { hasText: /^2$/ }).waitFor();
    await shot(page, JOURNEY, '10-offline-two-waiting');
    // The installed page opens again without network: the shell from the service worker, the bag
    // list and the two waiting check-offs from the phone's own storage.
    await page.reload();
    await card(page, order(8)).waitFor();
    await page.locator('[data-testid="pending-sync"]', { hasText: /^2$/ }).waitFor();
    await shot(page, JOURNEY, '10b-offline-reopened');

    await volunteer.context.setOffline(false);
    await waitForSynced(page);
    await shot(page, JOURNEY, '11-back-online-synced');

    const after = await bagsViaApi(page);
    const mine = after.filter((b) => [3, 4, 5, 6, 7].map(order).includes(b.orderId));
    expect(mine.filter((b) => b.status === 'delivered')).toHaveLength(4);
    expect(mine.filter((b) => b.status === 'exception')).toHaveLength(1);
    expect(after.filter((b) => b.status === 'delivered')).toHaveLength(4);
    // Nothing left to resend after a reload, and nothing was refused as a duplicate.
    await page.reload();
    await waitForSynced(page);
    await expect(page.getByText('没有成功').count()).resolves.toBe(0);
  });

  it('the coordinator’s board shows the stairwell tally', async () => {
    const page = resident.page; // a fresh sign-in on the same phone: the admin takes over
    await page.context().clearCookies();
    await signIn(page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code, {
      callbackUrl: `/c/${COMMUNITY}/board`,
    });
    await page.goto(`/c/${COMMUNITY}/board`);
    const row = page
      .locator('[data-testid="stairwell-row"]')
      .filter({ has: page.locator('td:first-child', { hasText: /^3号楼 2单元$/ }) });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // stairwell, households, bags, delivered, exceptions, last activity
    expect(cells.slice(2, 5)).toEqual(['12', '4', '1']);
    await shot(page, JOURNEY, '12-board');
  });
});
