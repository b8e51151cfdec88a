/**
 * Content in the first response and a JavaScript budget (issue 18 points 1, 2 and 5): each page a
 * person opens to act is fetched as plain HTML with the signed-in cookie, without running any
 * script, and must already show its heading and first item (what the page shows once its scripts
 * ran), in zh-CN and in English; and its first load must fetch at most 150 KB of compressed
 * JavaScript. The slow-phone timings are `npm run bench:pages` (docs/PERFORMANCE.md).
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoverPages,
  htmlText,
  JS_BUDGET_BYTES,
  measureLoad,
  newContext,
  visibleContent,
  type Locale,
  type PageSpec,
  type Role,
} from '@/bench/lib/pages';
import { baseURL } from './helpers';

let browser: Browser;
let found: Awaited<ReturnType<typeof discoverPages>>;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
  });
  found = await discoverPages(browser, baseURL());
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const cookiesOf = (role: Role | null) => (role ? found.cookies[role] : undefined);

async function checkHtml(spec: PageSpec, locale: Locale) {
  const context = await newContext(browser, baseURL(), { locale, cookies: cookiesOf(spec.role) });
  try {
    const shown = await visibleContent(context, spec.path);
    expect(shown.length, `${spec.name}: nothing to look for after the scripted load`).toBe(2);
    const text = await htmlText(context, spec.path);
    for (const s of shown) expect(text, `${spec.name} (${locale}) HTML without scripts`).toContain(s);
    expect(text, `${spec.name} (${locale}) still sends a loading placeholder`).not.toMatch(
      /正在加载|Loading…/,
    );
  } finally {
    await context.close();
  }
}

describe('first view: the HTML carries the content', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`every page in ${locale}`, async () => {
      const failures: string[] = [];
      for (const spec of found.pages) {
        try {
          await checkHtml(spec, locale);
        } catch (e) {
          failures.push(`${spec.name} ${spec.path}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);
  }
});

describe('first view: JavaScript budget', () => {
  it(`every page loads at most ${JS_BUDGET_BYTES / 1024} KB of compressed JavaScript`, async () => {
    const over: string[] = [];
    for (const spec of found.pages) {
      const figures = await measureLoad(browser, baseURL(), spec, {
        locale: 'zh-CN',
        cookies: cookiesOf(spec.role),
        expect: [],
        throttle: false,
      });
      if (figures.jsBytes > JS_BUDGET_BYTES)
        over.push(
          `${spec.name}: ${(figures.jsBytes / 1024).toFixed(1)} KB ` +
            `(${(figures.jsWireBytes / 1024).toFixed(1)} KB with headers)`,
        );
    }
    expect(over).toEqual([]);
  }, 300_000);
});
