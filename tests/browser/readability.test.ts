/**
 * Readable by a 70-year-old (issue 18 point 5): each page a person opens to act, in zh-CN and en,
 * on a phone-sized Chromium, once its content has arrived. Fails on any visible text under 16 px
 * on resident and volunteer pages and on any visible link or control under 44×44 CSS px on every
 * page, printing each offender (page, element, size, text). A checkbox or radio counts with its
 * label, which is what a finger hits. axe-core runs on each page too (tests/browser/helpers.ts).
 * Uses the demo compound's formed relay (db/seed/distribution.ts) and the demo accounts.
 * Screenshots: artifacts/screenshots/readability/.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { demoId } from '@/db/seed/random';
import { baseURL, openPhone, shot, signIn } from './helpers';

const JOURNEY = 'readability';
const C = demoId('community:zhonglou');
const M = demoId('merchant:admitted');
const RELAY = demoId('relay:distribution-demo');
/** The demo resident's order in that relay (3号楼2单元201 is 接龙号 3). */
const ORDER = demoId('relay:distribution-demo:order:3');

type Role = 'resident' | 'volunteer' | 'admin' | 'merchant';
const PAGES: Record<Role, { name: string; path: string }[]> = {
  resident: [
    { name: 'resident-home', path: `/r/${C}` },
    { name: 'relay', path: `/r/${C}/relays/${RELAY}` },
    { name: 'my-orders', path: `/r/${C}/orders` },
    { name: 'bag', path: `/r/${C}/bag` },
    { name: 'pay', path: `/pay/${ORDER}?c=${C}` },
  ],
  volunteer: [
    { name: 'volunteer-home', path: `/v/${C}` },
    { name: 'checkoff', path: `/v/${C}/checkoff` },
    { name: 'gate', path: `/v/${C}/gate` },
    { name: 'order-for', path: `/v/${C}/order-for` },
  ],
  admin: [
    { name: 'coordinator-home', path: `/c/${C}` },
    { name: 'roster', path: `/c/${C}/roster` },
    { name: 'board', path: `/c/${C}/board` },
  ],
  merchant: [
    { name: 'merchant-relays', path: `/m/${M}/relays` },
    { name: 'picklist', path: `/m/${M}/relays/${RELAY}/picklist` },
    { name: 'delivery', path: `/m/${M}/relays/${RELAY}/delivery` },
  ],
};

type Offender = { kind: 'text' | 'target'; what: string; size: string; text: string };

/** Visible text under 16 px (when `text`) and visible links/controls under 44×44 px, as the page is now. */
function measure(page: Page, text: boolean): Promise<Offender[]> {
  return page.evaluate((checkText) => {
    const out: { kind: 'text' | 'target'; what: string; size: string; text: string }[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
        typeof el.className === 'string' && el.className
          ? `.${el.className.trim().split(/\s+/).join('.')}`
          : ''
      }`;
    const shown = (el: Element) => {
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
      const r = el.getBoundingClientRect();
      // Visually hidden (sr-only, the skip link until focused): not something anyone reads or taps.
      return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > -document.documentElement.scrollHeight;
    };
    if (checkText) {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const seen = new Set<Element>();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || seen.has(el) || !n.textContent?.trim()) continue;
        if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
        seen.add(el);
        if (!shown(el)) continue;
        const px = parseFloat(getComputedStyle(el).fontSize);
        if (px < 15.95)
          out.push({
            kind: 'text',
            what: describe(el),
            size: `${px}px`,
            text: n.textContent.trim().slice(0, 40),
          });
      }
    }
    const controls = document.querySelectorAll(
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [role="link"], [role="checkbox"]',
    );
    for (const el of controls) {
      if (!shown(el)) continue;
      let r = el.getBoundingClientRect();
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
        const label = el.closest('label') ?? el.labels?.[0];
        if (label) r = label.getBoundingClientRect();
      }
      if (r.width < 43.5 || r.height < 43.5)
        out.push({
          kind: 'target',
          what: describe(el),
          size: `${Math.round(r.width)}×${Math.round(r.height)}`,
          text: (el.textContent ?? '').trim().slice(0, 40) || (el.getAttribute('aria-label') ?? ''),
        });
    }
    return out;
  }, text);
}

/** Opens a page and waits until its content (not "正在加载…") is there. */
async function visit(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
  await page
    .waitForFunction(() => !/正在加载|Loading/.test(document.body.innerText), undefined, { timeout: 15_000 })
    .catch(() => {});
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

const phones: Awaited<ReturnType<typeof openPhone>>[] = [];
afterAll(async () => {
  // Close every phone, then report every phone's axe-core findings together.
  const closed = await Promise.allSettled(phones.map((p) => p.close()));
  const failed = closed.flatMap((c) => (c.status === 'rejected' ? [String(c.reason)] : []));
  if (failed.length) throw new Error(failed.join('\n'));
});

describe('type and tap targets on the pages people act on', () => {
  for (const role of Object.keys(PAGES) as Role[]) {
    it(`${role}: no text under 16 px${role === 'resident' || role === 'volunteer' ? '' : ' (not required)'} and no target under 44×44 px, in zh-CN and en`, async () => {
      const phone = await openPhone();
      phones.push(phone);
      const { page, context } = phone;
      await signIn(page, DEMO_ACCOUNTS[role].phone, DEMO_ACCOUNTS[role].code);
      const offenders: string[] = [];
      for (const locale of ['zh-CN', 'en']) {
        await context.addCookies([{ name: 'NEXT_LOCALE', value: locale, url: baseURL() }]);
        for (const p of PAGES[role]) {
          await visit(page, p.path);
          expect(new URL(page.url()).pathname, `${p.name} did not open`).toBe(p.path.split('?')[0]);
          const found = await measure(page, role === 'resident' || role === 'volunteer');
          for (const f of found)
            offenders.push(`${locale} ${p.name}: ${f.kind} ${f.size} ${f.what} "${f.text}"`);
          if (locale === 'zh-CN') await shot(page, JOURNEY, `${role}-${p.name}`);
        }
      }
      if (offenders.length) console.log(`${role}: ${offenders.length} offenders\n${offenders.join('\n')}`);
      expect(offenders).toEqual([]);
    });
  }
});
