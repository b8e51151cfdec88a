/**
 * Shared phones forget (issue 11 item 10). Volunteers pass phones around: on ONE browser profile,
 * volunteer 王建国 (A) checks off a bag offline (the page keeps the bag list and the waiting
 * check-off on the phone, the service worker a copy of the page), comes back online and signs out.
 * Then nothing of A is left: no cache, no IndexedDB, the old session cookie is refused, a
 * signed-out visitor offline gets no copy of A's page, and resident 张桂英 (B), signing in on the
 * same phone, finds none of A's data online or offline.
 *
 * It runs on its own server (port BROWSER_PORT+2, a fresh demo) because it drives the demo
 * relay through the gate, which the distribution journey also does.
 * Screenshots: artifacts/screenshots/shared-phone/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { startServer } from './global-setup';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'shared-phone';
const COMMUNITY = demoId('community:zhonglou');
const MERCHANT = demoId('merchant:admitted');
const RELAY = demoId('relay:distribution-demo');
const CHECKOFF = `/v/${COMMUNITY}/checkoff`;

type Phone = Awaited<ReturnType<typeof openPhone>>;
let server: Awaited<ReturnType<typeof startServer>>;
let phone: Phone;
let aUserId: string;
let aCookie: string;

beforeAll(async () => {
  server = await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 2);
  phone = await openPhone({ baseURL: server.baseURL });
}, 300_000);
afterAll(async () => {
  // The server stops even when a phone reports accessibility findings on closing.
  try {
    await phone?.close();
  } finally {
    await server?.stop();
  }
});

/** What this browser profile keeps for the site: Cache Storage names and IndexedDB database names. */
async function kept(page: Page): Promise<{ caches: string[]; databases: string[] }> {
  return page.evaluate(async () => ({
    caches: await caches.keys(),
    databases: (await indexedDB.databases()).map((d) => d.name ?? ''),
  }));
}

async function sessionWithCookie(cookie: string): Promise<unknown> {
  const res = await fetch(`${server.baseURL}/api/trpc/auth.session`, { headers: { cookie } });
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

/** Opens a page offline and returns what it shows ('' when the browser has nothing to show). */
async function openOffline(page: Page, path: string): Promise<string> {
  await page.context().setOffline(true);
  try {
    await page.goto(path, { timeout: 15_000 });
    return (
      (await page
        .locator('body')
        .innerText({ timeout: 5000 })
        .catch(() => '')) ?? ''
    );
  } catch {
    return '';
  } finally {
    await page.context().setOffline(false);
  }
}

describe('a phone passed from one volunteer to the next forgets the first', () => {
  it('the demo relay reaches the stairwell (merchant dispatch, gate, disinfection, release)', async () => {
    const merchant = await openPhone({ baseURL: server.baseURL });
    try {
      await signIn(merchant.page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
      await merchant.page.goto(`/m/${MERCHANT}/relays/${RELAY}/delivery`);
      await merchant.page.getByTestId('dispatch').click();
      await merchant.page.getByText('已发车').first().waitFor();
    } finally {
      await merchant.close();
    }
    const page = phone.page;
    await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
    await page.goto(`/v/${COMMUNITY}/gate`);
    const arrival = page.getByTestId('arrival-card').filter({ hasText: '保供套餐 · 3号楼2单元' });
    await arrival.getByTestId('package-count').fill('12');
    await arrival.getByTestId('record-arrival').click();
    const batch = page.getByTestId('batch-card').first();
    await batch.getByTestId('method-spray').click();
    await batch.getByTestId('record-disinfection').click();
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
  });

  it('A checks off a bag offline; the phone keeps A’s list, check-off and page', async () => {
    const page = phone.page;
    await page.goto(CHECKOFF);
    await page.locator('[data-testid="bag-card"]').first().waitFor();
    // Once the service worker controls the page, it keeps A's copy of it.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await page.locator('[data-testid="bag-card"]').first().waitFor();
    aUserId = (await page.evaluate(async () => {
      const res = await fetch('/api/trpc/auth.session');
      return ((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    }))!;

    await phone.context.setOffline(true);
    await page.getByText('离线').first().waitFor();
    await page.getByTestId('tap-delivered').first().click();
    await page.locator('[data-testid="pending-sync"]', { hasText: /^1$/ }).waitFor();
    // Offline, the page opens again from A's copy.
    await page.reload();
    await page.locator('[data-testid="bag-card"]').first().waitFor();
    await shot(page, JOURNEY, '01-a-offline-one-waiting');
    await phone.context.setOffline(false);
    await page.locator('[data-testid="all-synced"]').waitFor({ timeout: 30_000 });

    const k = await kept(page);
    expect(k.databases).toContain(`linli-checkoff-${aUserId}`);
    expect(k.caches).toContain(`linli-sw-v2-pages-${aUserId}`);
    aCookie = (await phone.context.cookies())
      .filter((c) => c.name.includes('next-auth'))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    expect(await sessionWithCookie(aCookie)).toMatchObject({ id: aUserId });
  });

  it('A signs out: caches and IndexedDB are gone, the old cookie no longer works', async () => {
    const page = phone.page;
    await page.goto(`/v/${COMMUNITY}`);
    await page.locator('[data-action="sign-out-menu"]').click();
    await shot(page, JOURNEY, '02-sign-out-menu');
    const signedOut = page.waitForResponse((r) => r.url().includes('/api/auth/signout'));
    await page.locator('[data-action="sign-out"]').click();
    expect((await (await signedOut).allHeaders())['clear-site-data']).toBe('"cache", "storage"');
    await page.waitForURL((u) => u.pathname.startsWith('/signin'));

    const k = await kept(page);
    expect(k.databases.filter((d) => d.startsWith('linli-'))).toEqual([]);
    expect(k.caches.filter((c) => c.includes('-pages-') || c.includes('-data-'))).toEqual([]);
    expect(await sessionWithCookie(aCookie)).toBeNull();
  });

  it('a signed-out visitor offline gets no copy of A’s page', async () => {
    const text = await openOffline(phone.page, CHECKOFF);
    expect(text).not.toContain('3号楼');
    expect(await phone.page.locator('[data-testid="bag-card"]').count()).toBe(0);
  });

  it('B signs in on the same phone and finds none of A’s data, online or offline', async () => {
    const page = phone.page;
    await signIn(page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code);
    await page.goto(CHECKOFF);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('[data-testid="bag-card"]').count()).toBe(0);
    await shot(page, JOURNEY, '03-b-online');
    const k = await kept(page);
    expect(k.databases).not.toContain(`linli-checkoff-${aUserId}`);
    expect(k.caches.filter((c) => c.includes(aUserId))).toEqual([]);

    const offline = await openOffline(page, CHECKOFF);
    expect(await page.locator('[data-testid="bag-card"]').count()).toBe(0);
    expect(offline).not.toMatch(/待送达|3-2-/);
    await shot(page, JOURNEY, '04-b-offline');
  });
});
