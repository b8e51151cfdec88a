/**
 * A group buy, in phone-sized Chromium against the production server with the demo compound:
 * the merchant schedules a relay and opens it by hand; two residents of 3号楼2单元 join from two
 * phones and each sees the other's masked entry appear in the chain without reloading; one pays
 * with Stripe's succeeding test card, the other with the declining one and is told so plainly;
 * the stairwell leader orders for the care household 3-2-101 (代下单), which is marked for the door.
 * Screenshots: artifacts/screenshots/relay/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'relay';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const TITLE = '晚间鸡蛋青菜团 · 浏览器测试';

type Phone = Awaited<ReturnType<typeof openPhone>>;
let merchant: Phone;
let residentA: Phone;
let residentB: Phone;
let volunteer: Phone;
let relayId = '';

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function stepUp(page: Page, itemName: string, times: number) {
  const row = page.locator('[data-testid="order-form"] li').filter({ hasText: itemName });
  for (let i = 0; i < times; i++)
    await row.getByRole('button', { name: new RegExp(`${itemName}加一份`) }).click();
}

function chainEntry(page: Page, seq: number) {
  return page.locator(`[data-testid="chain"] li[data-seq="${seq}"]`);
}

beforeAll(async () => {
  [merchant, residentA, residentB, volunteer] = await Promise.all([
    openPhone(),
    openPhone(),
    openPhone(),
    openPhone(),
  ]);
});
afterAll(async () => {
  await Promise.all([merchant?.close(), residentA?.close(), residentB?.close(), volunteer?.close()]);
});

describe('a group buy from opening to payment', () => {
  it('the merchant schedules a relay and opens it by hand', async () => {
    const page = merchant.page;
    await signIn(page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
    await page.goto(`/m/${MERCHANT}/relays`);
    await page.getByTestId('new-relay').click();
    const form = page.getByTestId('create-relay-form');
    await form.waitFor();
    await form.locator('#rl-title').fill(TITLE);
    for (const [name, cap, limit] of [
      ['新鲜鸡蛋', '50', '2'],
      ['青菜', '', ''],
    ] as const) {
      const product = form.locator(`[data-product="${name}"]`);
      await product.locator('input[type="checkbox"]').check();
      if (cap) await product.locator('input[id^="cap-"]').fill(cap);
      if (limit) await product.locator('input[id^="limit-"]').fill(limit);
    }
    await form.getByRole('button', { name: '按户数' }).click();
    await form.locator('#rl-threshold').fill('2');
    // Scheduled for later, then opened by hand.
    await form.getByLabel('现在就开始接龙').uncheck();
    const now = new Date();
    await form.locator('#rl-opens').fill(localInput(new Date(now.getTime() + 3_600_000)));
    await form.locator('#rl-closes').fill(localInput(new Date(now.getTime() + 4 * 3_600_000)));
    await shot(page, JOURNEY, '01-merchant-create');
    await page.getByTestId('create-relay-submit').click();
    await page.waitForURL(/\/m\/[^/]+\/relays\/[0-9a-f-]{36}$/);
    relayId = page.url().split('/').pop()!;
    await expect.poll(() => page.getByTestId('relay-status').textContent()).toBe('未开始');
    await page.getByTestId('open-now').click();
    await expect
      .poll(() => page.getByTestId('relay-status').textContent(), { timeout: 15_000 })
      .toBe('接龙中');
    await shot(page, JOURNEY, '02-merchant-opened');
  });

  it('two residents join from two phones and each sees the other appear, masked, without reloading', async () => {
    const a = residentA.page;
    const b = residentB.page;
    await Promise.all([
      signIn(a, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code),
      signIn(b, DEMO_ACCOUNTS.resident2.phone, DEMO_ACCOUNTS.resident2.code),
    ]);
    // The resident home lists the new relay.
    await a.goto(`/r/${COMMUNITY}`);
    await a.getByTestId('upcoming-relays').getByText(TITLE).waitFor();
    await a.getByTestId('upcoming-relays').getByText(TITLE).click();
    await a.waitForURL(new RegExp(`/r/${COMMUNITY}/relays/${relayId}$`));
    await b.goto(`/r/${COMMUNITY}/relays/${relayId}`);
    await Promise.all([a.getByTestId('order-form').waitFor(), b.getByTestId('order-form').waitFor()]);
    await expect
      .poll(() => b.getByTestId('live-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await expect
      .poll(() => a.getByTestId('live-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await shot(a, JOURNEY, '03-resident-a-relay');

    // A joins: 2 boxes of eggs.
    await stepUp(a, '新鲜鸡蛋', 2);
    expect(await a.getByTestId('order-total').textContent()).toBe('¥59.60');
    await a.getByTestId('join-submit').click();
    await a.getByTestId('joined').waitFor();
    // B sees A's entry appear live: building, stairwell, masked room and surname only.
    const seenByB = chainEntry(b, 1);
    await seenByB.waitFor({ timeout: 15_000 });
    expect((await seenByB.textContent())!).toContain('3号楼 2单元 2**室 张*');
    expect((await seenByB.textContent())!).toContain('新鲜鸡蛋×2');
    expect(await b.content()).not.toContain('张桂英');
    await shot(b, JOURNEY, '04-resident-b-sees-a');

    // B joins: one portion of greens, and A sees it arrive.
    await stepUp(b, '青菜', 1);
    await b.getByTestId('join-submit').click();
    await b.getByTestId('joined').waitFor();
    const seenByA = chainEntry(a, 2);
    await seenByA.waitFor({ timeout: 15_000 });
    expect((await seenByA.textContent())!).toContain('3号楼 2单元 2**室 李*');
    expect(await a.content()).not.toContain('李秀兰');
    // Each sees its own entry marked as theirs.
    expect(await chainEntry(a, 1).getAttribute('data-mine')).toBe('true');
    expect(await chainEntry(a, 2).getAttribute('data-mine')).toBe('false');
    await shot(a, JOURNEY, '05-resident-a-sees-b');
  });

  it('one pays with the succeeding card, the other is declined with a clear message', async () => {
    const a = residentA.page;
    await a.getByTestId('joined-pay').click();
    await a.waitForURL(/\/pay\//);
    await a.getByTestId('pay-amount').waitFor();
    expect(await a.getByTestId('pay-amount').textContent()).toBe('¥59.60');
    await shot(a, JOURNEY, '06-pay-page');
    // The method is chosen on the pay page (the join made no PaymentIntent).
    await a.getByTestId('pay-method-card').click();
    await a.getByTestId('pay-visa').click();
    await a.getByTestId('pay-success').waitFor({ timeout: 20_000 });
    await shot(a, JOURNEY, '07-paid');

    const b = residentB.page;
    await b.getByTestId('joined-pay').click();
    await b.waitForURL(/\/pay\//);
    await b.getByTestId('pay-method-card').click();
    await b.getByTestId('pay-declined-card').click();
    const declined = b.getByTestId('pay-declined');
    await declined.waitFor({ timeout: 20_000 });
    expect(await declined.textContent()).toContain('银行卡被拒绝');
    expect(await declined.textContent()).toContain('换一张卡');
    // Still payable: the good card is offered again.
    expect(await b.getByTestId('pay-visa').isEnabled()).toBe(true);
    await shot(b, JOURNEY, '08-declined');
    // The decline also reached the app through Stripe's signed webhook: the household is told.
    await b.goto('/notifications');
    await b.getByText('付款未成功').first().waitFor({ timeout: 20_000 });

    // My orders show where each stands.
    await a.goto(`/r/${COMMUNITY}/orders`);
    // Scoped to this journey's relay: other journeys may have left orders with the same 接龙号.
    await a
      .locator('[data-testid="my-order"][data-seq="1"]')
      .filter({ hasText: TITLE })
      .locator('[data-testid="order-status"]')
      .filter({ hasText: '已付款' })
      .waitFor();
    await b.goto(`/r/${COMMUNITY}/orders`);
    await b
      .locator('[data-testid="my-order"][data-seq="2"]')
      .filter({ hasText: TITLE })
      .locator('[data-testid="order-status"]')
      .filter({ hasText: '待付款' })
      .waitFor();
    await shot(b, JOURNEY, '09-orders-pending');
  });

  it('the stairwell leader orders for the care household 3-2-101, marked for the door', async () => {
    const page = volunteer.page;
    await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
    await page.goto(`/v/${COMMUNITY}/order-for`);
    await page.getByRole('button', { name: new RegExp(TITLE) }).click();
    const care = page.locator('[data-testid="household-pick"] button[data-room="3-2-101"]');
    await care.waitFor();
    expect(await care.getAttribute('data-care')).toBe('true');
    expect(await care.textContent()).toContain('送货上门');
    // Care households are listed first.
    expect(
      await page.locator('[data-testid="household-pick"] button').first().getAttribute('data-care'),
    ).toBe('true');
    await shot(page, JOURNEY, '10-volunteer-households');
    await care.click();
    await stepUp(page, '新鲜鸡蛋', 1);
    await page.getByTestId('join-submit').click();
    const done = page.getByTestId('order-for-done');
    await done.waitFor({ timeout: 15_000 });
    expect(await done.textContent()).toContain('#3');
    await shot(page, JOURNEY, '11-volunteer-ordered');
    // The neighbours' chain shows it too (no name: the household has no registered resident).
    const entry = chainEntry(residentA.page, 3);
    await residentA.page.goto(`/r/${COMMUNITY}/relays/${relayId}`);
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.textContent()).toContain('3号楼 2单元 1**室');
  });

  it('the merchant sees the chain and the money live', async () => {
    const page = merchant.page;
    await chainEntry(page, 3).waitFor({ timeout: 15_000 });
    await shot(page, JOURNEY, '12-merchant-chain');
  });
});
