import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const baseURL = () => inject('baseURL');

/** A phone-sized browser (its own profile, so its own cookies): one per person in a journey. */
export async function openPhone(
  opts: { locale?: string; baseURL?: string; acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ARGS,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: opts.locale ?? 'zh-CN',
    baseURL: opts.baseURL ?? baseURL(),
    acceptDownloads: opts.acceptDownloads,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const axe = watchAccessibility(context);
  return {
    context,
    page,
    close: async () => {
      const found = await axe.settle();
      await context.close();
      rmSync(dir, { recursive: true, force: true });
      if (found.length) throw new Error(`axe-core found serious/critical violations:\n${found.join('\n')}`);
    },
  };
}

type AxeFinding = string;

/** axe-core (serious + critical) on one page as it is now: one line per violation and node. */
export function axeFindings(page: Page): Promise<AxeFinding[]> {
  // One axe run per page at a time (a load-time check and a screenshot's check may meet; axe
  // refuses to run twice at once on one document): each run waits for the page's previous one.
  const previous = axeQueue.get(page) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => analyze(page));
  axeQueue.set(
    page,
    run.then(
      () => {},
      () => {},
    ),
  );
  return run;
}

const axeQueue = new WeakMap<Page, Promise<void>>();

async function analyze(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const url = new URL(page.url()).pathname;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes
        .slice(0, 5)
        .map(
          (n) =>
            `${url}: [${v.impact}] ${v.id} ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`,
        ),
    );
}

/**
 * Runs axe-core on every page the context loads (each tab, each navigation, once it has loaded
 * and settled for a moment) and keeps what it finds; `settle()` waits for the pending checks and
 * returns the findings, once per distinct line. Checks that a navigation interrupted are dropped
 * (the next page is checked on its own load). Screenshots (`shot`) check too, at the moment shown.
 */
function watchAccessibility(context: BrowserContext): { settle: () => Promise<AxeFinding[]> } {
  const found = new Set<AxeFinding>();
  const pending = new Set<Promise<void>>();
  const watch = (page: Page) => {
    page.on('load', () => {
      const run = (async () => {
        try {
          await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
          for (const f of await axeFindings(page)) found.add(f);
        } catch {
          /* navigated away or closed mid-check */
        }
      })();
      pending.add(run);
      void run.finally(() => pending.delete(run));
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  contexts.set(context, found);
  return {
    settle: async () => {
      await Promise.all([...pending]);
      return [...found];
    },
  };
}

const contexts = new WeakMap<BrowserContext, Set<AxeFinding>>();

/**
 * axe on the page as it is now; when a navigation (a redirect, the router settling its URL)
 * interrupts the run, once more on the page that replaced it, so the check is not lost.
 */
async function axeFindingsSettled(page: Page): Promise<AxeFinding[]> {
  try {
    return await axeFindings(page);
  } catch (e) {
    if (!/Execution context was destroyed|navigation/i.test(String(e))) throw e;
    await page.waitForLoadState('load');
    return axeFindings(page);
  }
}

/** Keeps a screenshot under artifacts/screenshots/<journey>/<step>.png. */
export async function shot(page: Page, journey: string, step: string): Promise<string> {
  const file = path.join(inject('artifactsDir'), 'screenshots', journey, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const found = contexts.get(page.context());
  if (found) for (const f of await axeFindingsSettled(page)) found.add(f);
  return file;
}

/**
 * Signs in through the real sign-in page: asks for a code, types it, submits and waits until the
 * browser has left /signin. Demo accounts have fixed codes (db/seed/demo-accounts.ts); for any other
 * phone leave `code` out and it is read from the dev outbox (/dev/outbox), as a developer would.
 * Works in both languages (it finds the fields by name, not by label).
 */
export async function signIn(
  page: Page,
  phone: string,
  code?: string,
  opts: { callbackUrl?: string } = {},
): Promise<void> {
  const target = opts.callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(opts.callbackUrl)}` : '/signin';
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/signin') || opts.callbackUrl)
    await page.goto(target);
  await page.locator('input[name="phone"]').fill(phone);
  await page.locator('button[data-action="request-code"]').click();
  const codeInput = page.locator('input[name="code"]');
  await codeInput.waitFor({ state: 'visible', timeout: 15_000 });
  const theCode = code ?? (await readOutboxCode(page, phone));
  await codeInput.fill(theCode);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** The newest code the dev outbox shows for a phone (E.164), read in a second tab. */
export async function readOutboxCode(page: Page, phone: string): Promise<string> {
  const tab = await page.context().newPage();
  try {
    await tab.goto(`/dev/outbox?phone=${encodeURIComponent(phone)}`);
    const first = tab.locator(`[data-testid="outbox"] li[data-phone="${phone}"]`).first();
    await first.waitFor({ timeout: 10_000 });
    const value = await first.getAttribute('data-code');
    if (!value) throw new Error(`no code in the dev outbox for ${phone}`);
    return value;
  } finally {
    await tab.close();
  }
}
