/**
 * The smoke journey CI runs on every change (issue #2, item 10): the demo coordinator signs in on a
 * phone and finds household 3-2-201 in the roster. A screenshot of each step is kept under
 * artifacts/screenshots/smoke/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

/** The demo compound's id is stable (db/seed/random.ts), so its URLs are too. */
const ZHONGLOU = demoId('community:zhonglou');
const JOURNEY = 'smoke';

/** Screenshots only once the page, its data and its web fonts have settled: what a person sees. */
async function step(page: Page, name: string) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !/正在加载|加载中/.test(document.body.innerText), undefined, {
    timeout: 15_000,
  });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await shot(page, JOURNEY, name);
}

describe('smoke: the demo coordinator finds household 3-2-201', () => {
  let phone: Awaited<ReturnType<typeof openPhone>>;
  beforeAll(async () => {
    phone = await openPhone();
  });
  afterAll(async () => {
    await phone.close();
  });

  it('shows what Linli is to a signed-out visitor, and sends the roster to sign-in first', async () => {
    const { page } = phone;
    await page.goto('/');
    await expect.poll(() => page.locator('[data-page="intro"]').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('link', { name: '登录' }).isVisible()).toBe(true);
    await step(page, '01-intro');

    // A deep link while signed out goes to sign-in and remembers where it was going.
    await page.goto(`/c/${ZHONGLOU}/roster`);
    await page.waitForURL((u) => u.pathname === '/signin');
    expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe(`/c/${ZHONGLOU}/roster`);
    await step(page, '02-signin');
  });

  it('signs in as the coordinator and comes back to the roster it asked for', async () => {
    const { page } = phone;
    const admin = DEMO_ACCOUNTS.admin;
    // Still on /signin?callbackUrl=…/roster from the step before.
    await signIn(page, admin.phone, admin.code);
    await page.waitForURL((u) => u.pathname === `/c/${ZHONGLOU}/roster`);
    await page.locator('[data-page="roster"]').waitFor();
    await expect.poll(() => page.getByTestId('shell-place').textContent()).toBe('钟楼新村');
    await step(page, '03-roster');
  });

  it('has the compound at a glance on the coordinator home', async () => {
    const { page } = phone;
    await page.locator('nav.shell-nav').getByRole('link', { name: '首页' }).click();
    await page.waitForURL((u) => u.pathname === `/c/${ZHONGLOU}`);
    await page.locator('[data-page="coordinator-home"]').waitFor();
    await expect
      .poll(() => page.locator('[data-figure="households"] dd').first().textContent())
      .toBe('1,506');
    await expect.poll(() => page.locator('[data-figure="stairwells"] dd').first().textContent()).toBe('135');
    await expect.poll(() => page.locator('[data-figure="elderly"] dd').first().textContent()).toBe('670');
    await step(page, '04-dashboard');
  });

  it('finds 3-2-201 with the roster search', async () => {
    const { page } = phone;
    await page.locator('nav.shell-nav').getByRole('link', { name: '住户' }).click();
    await page.waitForURL((u) => u.pathname === `/c/${ZHONGLOU}/roster`);
    const search = page.getByRole('searchbox');
    await search.fill('3-2-201');
    await search.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === '3-2-201');
    const results = page.locator('a[data-household]');
    await expect.poll(() => results.count(), { timeout: 15_000 }).toBe(1);
    // The card holds the household's link (its address) and the residents with their phones.
    const card = page.locator('.roster-household-linked', { has: results.first() });
    await expect.poll(() => card.textContent()).toMatch(/3.*2.*201/);
    // The coordinator sees the residents by name.
    await expect.poll(() => card.textContent()).toContain(DEMO_ACCOUNTS.resident.name);
    await step(page, '05-search-3-2-201');
  });

  it('opens the household and sees who lives there', async () => {
    const { page } = phone;
    await page.locator('a[data-household]').first().click();
    await page.waitForURL((u) => u.pathname.startsWith(`/c/${ZHONGLOU}/roster/h/`));
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 15_000 })
      .toContain(DEMO_ACCOUNTS.resident.name);
    await step(page, '06-household');
  });
});
