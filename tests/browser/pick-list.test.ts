/**
 * Pick-list journey at demo size: the demo merchant opens the pick list of a formed relay in which
 * every one of 钟楼新村's 1,506 households ordered 3 lines, downloads the bag CSV and the QR label
 * PDF through the page's export buttons; the demo volunteer sees only their stairwells' bags; the
 * coordinator sees the per-stairwell counts. Screenshots under artifacts/screenshots/pick-list/.
 *
 * The shared journey server starts with the plain demo (no formed relay), so this file starts its
 * own server from the same production build on a database seeded with the demo plus that relay.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '@/db/client';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import { demoId } from '@/db/seed/random';
import { makeDemoRelay } from '@/bench/pick-list';
import { openPhone, shot, signIn } from './helpers';

const JOURNEY = 'pick-list';
const ROOT = path.resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.BROWSER_PORT ?? 3100) + 7;
const BASE = `http://localhost:${PORT}`;
const ZHONGLOU = demoId('community:zhonglou');

let server: ChildProcess;
let dataDir: string;
let relay: { relayId: string; communityId: string; merchantId: string };

async function waitForHealth(timeoutMs: number) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (server.exitCode !== null) throw new Error(`pick-list server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('pick-list server not healthy');
}

function phone(locale = 'zh-CN') {
  return openPhone({ locale, baseURL: BASE, acceptDownloads: true });
}

async function step(page: Page, name: string) {
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await shot(page, JOURNEY, name);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-picklist-browser-'));
  const database = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
  await migrateDatabase(database);
  // The plain demo (no other domain's extra seeds, which may need services this process does not run).
  await seedDemoIfEmpty(database, []);
  const r = await makeDemoRelay(database);
  await database.close();
  relay = { relayId: r.relayId, communityId: r.communityId, merchantId: r.merchantId };
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.STRIPE_SECRET_KEY;
  server = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'server/cli/start.ts'],
    {
      cwd: ROOT,
      env: {
        ...env,
        PORT: String(PORT),
        PGLITE_DIR: path.join(dataDir, 'pglite'),
        STRIPE_MOCK_PORT: String(PORT + 11),
        LINLI_DEMO: '1',
        AUTH_SECRET: 'browser-test-secret',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  await waitForHealth(180_000);
}, 300_000);

afterAll(async () => {
  // SIGTERM drains gracefully (the embedded database is closed and flushed): wait for the exit
  // before deleting its directory, or the delete races the last writes.
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}, 30_000);

describe('pick list journey', () => {
  it('the merchant sees 1,506 bags, downloads the bag CSV and the QR labels', async () => {
    expect(relay.communityId).toBe(ZHONGLOU);
    const { page, close } = await phone();
    try {
      await signIn(page, DEMO_ACCOUNTS.merchant.phone, DEMO_ACCOUNTS.merchant.code);
      await page.goto(`/m/${relay.merchantId}/relays/${relay.relayId}/picklist`);
      await page.locator('[data-list="totals"]').waitFor({ timeout: 60_000 });
      await expect.poll(() => page.locator('[data-figure="bags"]').textContent()).toBe('1506');
      await step(page, '01-merchant-totals');

      const [csv] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.locator('[data-export="csv-bags"]').click(),
      ]);
      const csvPath = path.join(dataDir, 'bags.csv');
      await csv.saveAs(csvPath);
      expect(csv.suggestedFilename()).toMatch(/\.csv$/);
      const text = readFileSync(csvPath, 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text.trim().split('\r\n')).toHaveLength(1 + 1506 + 1);
      await expect.poll(() => page.locator('.picklist-ok').isVisible()).toBe(true);

      const download = page.waitForEvent('download', { timeout: 120_000 });
      await page.locator('[data-export="labels"]').click();
      // 1,506 labels take a few seconds: the page shows that it is working and can be cancelled.
      await page.locator('.picklist-progress').waitFor({ timeout: 10_000 });
      await shot(page, JOURNEY, '02-merchant-labels-progress');
      const pdf = await download;
      const pdfPath = path.join(dataDir, 'labels.pdf');
      await pdf.saveAs(pdfPath);
      expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
      try {
        expect(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' })).toMatch(
          new RegExp(`Pages:\\s+${Math.ceil(1506 / 8)}\\b`),
        );
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
      await step(page, '03-merchant-downloaded');

      await page.getByRole('tab', { name: '分袋清单' }).click();
      await page.locator('#picklist-search').fill('201');
      await step(page, '04-merchant-bags-search');
    } finally {
      await close();
    }
  });

  it('the volunteer sees only the bags of their own stairwells, without prices or phones', async () => {
    const { page, close } = await phone();
    try {
      await signIn(page, DEMO_ACCOUNTS.volunteer.phone, DEMO_ACCOUNTS.volunteer.code);
      await page.goto(`/v/${relay.communityId}/bags`);
      await page.locator('[data-list="bags"]').waitFor({ timeout: 60_000 });
      // The demo volunteer looks after stairwells 3-1 and 3-2.
      const headings = await page.locator('.picklist-group summary strong').allTextContents();
      expect(headings).toEqual(['3号楼 1单元', '3号楼 2单元']);
      expect(await page.locator('[data-export="labels"]').count()).toBe(0);
      expect(await page.locator('text=尾号').count()).toBe(0);
      expect(await page.locator('text=¥').count()).toBe(0);
      await step(page, '05-volunteer-bags');
    } finally {
      await close();
    }
  });

  it('the coordinator sees the per-stairwell counts (in English)', async () => {
    const { page, close } = await phone('en');
    try {
      await signIn(page, DEMO_ACCOUNTS.admin.phone, DEMO_ACCOUNTS.admin.code);
      await page.context().addCookies([{ name: 'NEXT_LOCALE', value: 'en', url: BASE }]);
      await page.goto(`/c/${relay.communityId}/relays/${relay.relayId}/picklist`);
      await page.locator('[data-list="totals"]').waitFor({ timeout: 60_000 });
      await page.getByRole('tab', { name: 'Stairwells' }).click();
      await expect.poll(() => page.locator('.picklist-stairwell').count()).toBe(135);
      await step(page, '06-coordinator-stairwells-en');
    } finally {
      await close();
    }
  });
});
