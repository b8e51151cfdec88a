/**
 * The roster pages on a phone, on the demo compound: the coordinator browses buildings →
 * stairwells → households, opens 3-2-201, checks the stairwell teams, the care registry and a roster
 * file with a bad row (preview only: this journey writes nothing, other journeys count households);
 * the demo volunteer sees their stairwells, the demo resident their household.
 * Screenshots under artifacts/screenshots/roster/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { openPhone, shot, signIn } from './helpers';

const ZHONGLOU = demoId('community:zhonglou');
const JOURNEY = 'roster';

async function step(page: Page, name: string) {
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await shot(page, JOURNEY, name);
}

describe('roster pages: coordinator', () => {
  let phone: Awaited<ReturnType<typeof openPhone>>;
  beforeAll(async () => {
    phone = await openPhone();
    await signIn(phone.page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code, {
      callbackUrl: `/c/${ZHONGLOU}/roster`,
    });
  });
  afterAll(async () => {
    await phone.close();
  });

  it('browses buildings → stairwells → households', async () => {
    const { page } = phone;
    await page.waitForURL((u) => u.pathname === `/c/${ZHONGLOU}/roster`);
    // The button is named by what it shows ("3号楼 60户 ▼", the arrow hidden from the name).
    await page.getByRole('button', { name: /^3号楼 \d+户$/ }).click();
    await step(page, '01-browse');
    await page.getByRole('link', { name: /3号楼 2单元/ }).click();
    await page.waitForURL((u) => u.pathname.startsWith(`/c/${ZHONGLOU}/roster/s/`));
    await expect
      .poll(() => page.locator('a[data-household]').count(), { timeout: 15_000 })
      .toBeGreaterThan(5);
    await step(page, '02-stairwell');
  });

  it('opens 3-2-201 with its residents, phones and care section', async () => {
    const { page } = phone;
    await page.goto(`/c/${ZHONGLOU}/roster?q=3-2-201`);
    await page.locator('a[data-household]').first().click();
    await page.waitForURL((u) => u.pathname.startsWith(`/c/${ZHONGLOU}/roster/h/`));
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 15_000 })
      .toContain(DEMO_ACCOUNTS.resident.name);
    await expect.poll(() => page.locator('a.roster-tel').count()).toBeGreaterThan(0);
    await step(page, '03-household');
  });

  it('shows every stairwell with its leader and volunteers', async () => {
    const { page } = phone;
    await page.goto(`/c/${ZHONGLOU}/assignments`);
    await page.locator('[data-page="assignments"]').waitFor();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toMatch(/\/ 135/);
    await page.getByRole('button', { name: '全部楼道' }).click();
    // A page at a time on a phone, the rest one tap away.
    await expect.poll(() => page.locator('[data-stairwell]').count()).toBe(40);
    await page.getByRole('button', { name: '显示更多（还有 95 项）' }).click();
    await expect.poll(() => page.locator('[data-stairwell]').count()).toBe(80);
    await step(page, '04-assignments');
  });

  it('lists the care registry and filters it by category', async () => {
    const { page } = phone;
    await page.goto(`/c/${ZHONGLOU}/care`);
    await page.locator('[data-page="care"]').waitFor();
    await expect
      .poll(() => page.locator('.roster-household.care').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: /独居老人/ }).click();
    await expect
      .poll(() => page.getByRole('button', { name: /独居老人/ }).getAttribute('aria-pressed'))
      .toBe('true');
    await step(page, '05-care');
  });

  it('checks a roster file and points at the bad row, writing nothing', async () => {
    const { page } = phone;
    await page.goto(`/c/${ZHONGLOU}/roster/import`);
    await page.locator('[data-page="roster-import"]').waitFor();
    const csv = '楼栋,单元,楼层,房号,人数,姓名,手机\n90,1,1,101,2,试导入,\n90,1,1,102,2,错号码,1370000000\n';
    await page
      .locator('input[type="file"]')
      .setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const bad = page.locator('[data-table="bad"] tr.bad');
    await expect.poll(() => bad.count(), { timeout: 20_000 }).toBe(1);
    expect(await bad.getAttribute('data-line')).toBe('3');
    expect(await bad.textContent()).toContain('手机号「1370000000」格式不对');
    // No import button while a row is bad.
    expect(await page.getByRole('button', { name: /^导入/ }).count()).toBe(0);
    await step(page, '06-import-preview');
  });

  it('shows the team with roles', async () => {
    const { page } = phone;
    await page.goto(`/c/${ZHONGLOU}/roster/team`);
    await page.locator('[data-page="roster-team"]').waitFor();
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 15_000 })
      .toContain(DEMO_ACCOUNTS.owner.name);
    await step(page, '07-team');
  });
});

describe('roster pages: volunteer and resident homes', () => {
  it('shows the volunteer their stairwells and households, care households marked', async () => {
    const phone = await openPhone();
    try {
      const { page } = phone;
      await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code, {
        callbackUrl: `/v/${ZHONGLOU}`,
      });
      await page.waitForURL((u) => u.pathname === `/v/${ZHONGLOU}`);
      await page.locator('[data-page="volunteer-home"]').waitFor();
      await expect
        .poll(() => page.locator('[data-household]').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      // Volunteers see names and rooms, never phone numbers.
      expect(await page.locator('a.roster-tel').count()).toBe(0);
      await step(page, '08-volunteer-home');
    } finally {
      await phone.close();
    }
  });

  it('shows the resident their household', async () => {
    const phone = await openPhone();
    try {
      const { page } = phone;
      await signIn(page, DEMO_ACCOUNTS.resident.phone, DEMO_ACCOUNTS.resident.code, {
        callbackUrl: `/r/${ZHONGLOU}`,
      });
      await page.waitForURL((u) => u.pathname === `/r/${ZHONGLOU}`);
      await page.locator('[data-page="resident-home"]').waitFor();
      await expect
        .poll(() => page.locator('main').textContent(), { timeout: 15_000 })
        .toContain(DEMO_ACCOUNTS.resident.name);
      await step(page, '09-resident-home');
    } finally {
      await phone.close();
    }
  });
});
