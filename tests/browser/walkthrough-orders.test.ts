/**
 * Issue 13 items 11, 13 and 6 as people meet them, in zh-CN on phone-sized Chromium:
 * 11. 跟上次一样 fills the join form from the household's last order of this merchant (capped to
 *     the household limit, an item not offered skipped with a note); an unpaid order grows while
 *     stock lasts, and the page stops it at the household limit and when the last units went to
 *     someone else meanwhile;
 * 13. the merchant sends 催付 for an unpaid order (the button then shows the cooldown), the
 *     resident finds the reminder among the notices, and the stairwell's volunteer sees the same
 *     unpaid orders with the cooldown shared;
 *  6. the 大字 switch is remembered for the account on another phone; the merchant's own empty
 *     relay does not show the residents' 来做第一个吧; a formed relay no longer says 付款后即成团.
 * It makes its own relays, on its own server (BROWSER_PORT+3, a fresh demo), so it depends on no
 * other journey's state. Screenshots: artifacts/screenshots/walkthrough-orders/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { startServer } from './global-setup';
import { openPhone, shot, signIn } from './helpers';
import { api, apiQuery } from './trpc';

const JOURNEY = 'walkthrough-orders';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const FORMED_RELAY = demoId('relay:formed-1');

type Phone = Awaited<ReturnType<typeof openPhone>>;
let server: Awaited<ReturnType<typeof startServer>>;
let merchant: Phone;
let resident: Phone;
let resident2: Phone;
let volunteer: Phone;

const key = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const products: Record<string, string> = {};

/** The merchant opens a relay now, closing in two hours, of the named catalog products. */
async function openRelay(
  title: string,
  items: { name: string; stockCap?: number; perHouseholdLimit?: number }[],
): Promise<string> {
  const now = Date.now();
  const delivery = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
    now + 2 * 86_400_000,
  );
  const res = await api<{ relayId: string }>(
    merchant.page,
    'relay.create',
    {
      merchantId: MERCHANT,
      communityId: COMMUNITY,
      title,
      items: items.map((i) => ({
        productId: products[i.name],
        stockCap: i.stockCap ?? null,
        perHouseholdLimit: i.perHouseholdLimit ?? null,
      })),
      threshold: { kind: 'none', value: 0 },
      opensAt: new Date(now).toISOString(),
      closesAt: new Date(now + 2 * 3_600_000).toISOString(),
      deliveryDate: delivery,
      openNow: true,
    },
    ['opensAt', 'closesAt'],
  );
  return res.relayId;
}

type RelayView = {
  items: { id: string; name: string }[];
  myHouseholds: { id: string }[];
};

/** Joins a relay for the phone's own household through the API: name → quantity. */
async function joinViaApi(phone: Phone, relayId: string, qty: Record<string, number>) {
  const view = await apiQuery<RelayView>(phone.page, 'relay.get', { communityId: COMMUNITY, relayId });
  const res = await api<{ order: { orderId: string; seq: number } }>(phone.page, 'relay.join', {
    communityId: COMMUNITY,
    relayId,
    householdId: view.myHouseholds[0]!.id,
    lines: Object.entries(qty).map(([name, n]) => ({
      relayItemId: view.items.find((i) => i.name === name)!.id,
      qty: n,
    })),
    idempotencyKey: key('join'),
  });
  return res.order;
}

beforeAll(async () => {
  server = await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 3);
  const opts = { baseURL: server.baseURL };
  [merchant, resident, resident2, volunteer] = await Promise.all([
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
    openPhone(opts),
  ]);
  await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
  await signIn(resident.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
  await signIn(resident2.page, DEMO_ACCOUNTS.resident2.phone, DEMO_ACCOUNTS.resident2.code);
  await signIn(volunteer.page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
  const catalog = await apiQuery<{ products: { id: string; name: string }[] }>(
    merchant.page,
    'relay.catalog',
    {
      merchantId: MERCHANT,
    },
  );
  for (const p of catalog.products) products[p.name] = p.id;
}, 300_000);
afterAll(async () => {
  // The server stops even when a phone reports accessibility findings on closing.
  try {
    await Promise.all([merchant?.close(), resident?.close(), resident2?.close(), volunteer?.close()]);
  } finally {
    await server?.stop();
  }
});

let secondRelay = '';

describe('11. 跟上次一样 and growing an order', () => {
  it('跟上次一样 fills the form from last time: capped to the household limit, an item not offered skipped', async () => {
    // Last time: 2 rice, 1 box of eggs, 1 greens, paid.
    const first = await openRelay('复购测试第1期', [
      { name: '东北大米' },
      { name: '新鲜鸡蛋' },
      { name: '青菜' },
    ]);
    const last = await joinViaApi(resident, first, { 东北大米: 2, 新鲜鸡蛋: 1, 青菜: 1 });
    const paid = await api<{ outcome: string }>(resident.page, 'payment.payWithTestCard', {
      communityId: COMMUNITY,
      orderId: last.orderId,
      paymentMethod: 'pm_card_visa',
      idempotencyKey: key('pay'),
    });
    expect(paid.outcome).toBe('succeeded');

    // This time: rice limited to 1 per household, eggs 5 in stock, no greens.
    secondRelay = await openRelay('复购测试第2期', [
      { name: '东北大米', perHouseholdLimit: 1 },
      { name: '新鲜鸡蛋', stockCap: 5 },
    ]);
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/relays/${secondRelay}`);
    const form = r.getByTestId('order-form');
    await form.getByRole('button', { name: '跟上次一样' }).click();
    const notes = form.getByTestId('same-as-last-notes');
    await notes.getByText(/^已按上次（复购测试第1期，.+送达）填好，请核对后下单。$/).waitFor();
    await notes.getByText('「东北大米」上次 2 份，这次最多只能买 1 份，已改为 1 份').waitFor();
    await notes.getByText('「青菜」这期没有，已跳过').waitFor();
    const stepper = (name: string) => form.getByRole('group', { name });
    expect(await stepper('东北大米').locator('output').textContent()).toBe('1');
    expect(await stepper('新鲜鸡蛋').locator('output').textContent()).toBe('1');
    // The limit holds on the form: rice cannot go to 2.
    expect(await stepper('东北大米').getByRole('button', { name: '东北大米加一份' }).isDisabled()).toBe(true);
    expect(await form.getByTestId('order-total').textContent()).toBe('¥69.70');
    await shot(r, JOURNEY, '01-same-as-last-filled');
    await form.getByTestId('join-submit').click();
    await r
      .getByTestId('joined')
      .getByText(/^已接龙 #1，金额 ¥69\.70/)
      .waitFor();
  });

  it('an unpaid order grows while stock lasts; the limit and units gone meanwhile stop it', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/relays/${secondRelay}`);
    const card = r.getByTestId('my-order').first();
    await card.getByRole('button', { name: '修改数量' }).click();
    const eggs = card.getByRole('group', { name: '新鲜鸡蛋' });
    const rice = card.getByRole('group', { name: '东北大米' });
    // Rice is at the household limit: + stays off. Eggs may grow.
    expect(await rice.getByRole('button', { name: '东北大米加一份' }).isDisabled()).toBe(true);
    await eggs.getByRole('button', { name: '新鲜鸡蛋加一份' }).click();
    await eggs.getByRole('button', { name: '新鲜鸡蛋加一份' }).click();
    await card.getByRole('button', { name: '确认修改（新合计 ¥129.30）' }).click();
    await card.getByText(/新鲜鸡蛋.*× 3/).waitFor();
    expect(await card.getByTestId('order-status').textContent()).toBe('待付款');
    await shot(r, JOURNEY, '02-order-grown');

    // The resident raises eggs to 4 while 2 boxes are left; a neighbour takes them before it is saved.
    await card.getByRole('button', { name: '修改数量' }).click();
    await eggs.getByRole('button', { name: '新鲜鸡蛋加一份' }).click();
    await joinViaApi(resident2, secondRelay, { 新鲜鸡蛋: 2 });
    await card.getByRole('button', { name: '确认修改（新合计 ¥159.10）' }).click();
    await card.getByRole('alert').getByText('商品已被抢完，请减少数量').waitFor();
    await shot(r, JOURNEY, '03-order-increase-sold-out');
    // Nothing changed: still 3 boxes, and the relay sold exactly its 5.
    await r.reload();
    const again = r.getByTestId('my-order').first();
    await again.getByText(/新鲜鸡蛋.*× 3/).waitFor();
    await r.getByTestId('order-form').locator('li[data-item="新鲜鸡蛋"]').getByText('已抢完').waitFor();
  });
});

describe('13. 催付', () => {
  it('the merchant reminds an unpaid order; the button shows the cooldown; the resident gets the notice', async () => {
    const m = merchant.page;
    await m.goto(`/m/${MERCHANT}/relays/${secondRelay}`);
    const section = m.getByTestId('payment-reminders');
    await section.getByRole('heading', { name: '待付款订单（2）' }).waitFor();
    const rows = section.getByTestId('unpaid-order');
    expect(await rows.count()).toBe(2);
    // Masked for the merchant: building and stairwell, not the flat.
    for (const text of await rows.allTextContents()) {
      expect(text).toMatch(/3号楼/);
      expect(text).toMatch(/\*/);
      expect(text).not.toMatch(/20[12]/);
    }
    const first = rows.filter({ hasText: /^1号/ });
    await first.getByRole('button', { name: '催付' }).click();
    await section.getByRole('status').getByText('已提醒 1 号付款').waitFor();
    const cooling = first.getByRole('button', { name: /已催付，(30|29) 分钟后可再提醒/ });
    await cooling.waitFor();
    expect(await cooling.isDisabled()).toBe(true);
    await first.getByText(/上次提醒/).waitFor();
    await shot(m, JOURNEY, '04-merchant-reminded');

    const r = resident.page;
    await r.goto('/notifications');
    await r.getByText(/复购测试第2期：接龙 #1 还没付款（¥\d+\.\d\d），请尽快付款/).waitFor();
    await shot(r, JOURNEY, '05-resident-reminder');
  });

  it('the stairwell’s volunteer sees the same unpaid orders; the cooldown is shared; it reminds the other', async () => {
    const v = volunteer.page;
    await v.goto(`/v/${COMMUNITY}`);
    const mine = v.getByTestId('volunteer-unpaid');
    const relay = mine.getByTestId('payment-reminders').filter({ hasText: '复购测试第2期' });
    await relay.waitFor();
    const rows = relay.getByTestId('unpaid-order');
    await expect.poll(() => rows.count()).toBe(2);
    await rows
      .filter({ hasText: /^1号/ })
      .getByRole('button', { name: /已催付，\d+ 分钟后可再提醒/ })
      .waitFor();
    const second = rows.filter({ hasText: /^2号/ });
    await second.getByRole('button', { name: '催付' }).click();
    await second.getByRole('button', { name: /已催付，(30|29) 分钟后可再提醒/ }).waitFor();
    await shot(v, JOURNEY, '06-volunteer-reminded');
    const r2 = resident2.page;
    await r2.goto('/notifications');
    await r2.getByText(/复购测试第2期：接龙 #2 还没付款/).waitFor();
  });
});

describe('6. wording and the 大字 switch', () => {
  it('大字 enlarges the page and is remembered for the account on another phone', async () => {
    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}`);
    const size = (p: Page) =>
      p.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await size(r);
    const toggle = r.locator('button[data-action="big-text"]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await expect.poll(() => size(r)).toBeGreaterThan(before);
    await shot(r, JOURNEY, '07-big-text-on');
    // The account remembers it: a second phone signing in as 张桂英 opens large.
    const other = await openPhone({ baseURL: server.baseURL });
    try {
      await signIn(other.page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
      await other.page.goto(`/r/${COMMUNITY}`);
      await expect.poll(() => size(other.page)).toBeGreaterThan(before);
      expect(await other.page.locator('button[data-action="big-text"]').getAttribute('aria-pressed')).toBe(
        'true',
      );
      await shot(other.page, JOURNEY, '08-big-text-other-phone');
    } finally {
      await other.close();
    }
    await toggle.click();
    await expect.poll(() => size(r)).toBe(before);
  });

  it('the merchant’s own empty relay and a formed relay say what is true for who reads them', async () => {
    const empty = await openRelay('空接龙测试', [{ name: '青菜' }]);
    const m = merchant.page;
    await m.goto(`/m/${MERCHANT}/relays/${empty}`);
    await m.getByText('还没有住户接龙。').waitFor();
    expect(await m.getByText('还没有人接龙，来做第一个吧！').count()).toBe(0);
    await shot(m, JOURNEY, '09-merchant-empty-relay');

    const r = resident.page;
    await r.goto(`/r/${COMMUNITY}/relays/${FORMED_RELAY}`);
    await r
      .getByText(/已成团/)
      .first()
      .waitFor();
    expect(await r.getByText(/付款后即成团/).count()).toBe(0);
    await shot(r, JOURNEY, '10-formed-relay-wording');
  });
});
