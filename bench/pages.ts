/**
 * `npm run bench:pages [-- --url http://localhost:3200] [-- --runs 3] [-- --nav 5]`: the first load
 * of each page of issue 18 on a slow phone (4× CPU throttling, 1.6 Mbps / 150 ms, cold cache,
 * median of `runs`), then navigation → content visible without throttling, warm, median of `nav`,
 * for the pages people open under time pressure (issue 13 point 8). Prints a Markdown table for
 * docs/PERFORMANCE.md and one JSON line per page. Without --url it starts the production build of
 * this checkout on BROWSER_PORT (as the browser journeys do).
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '@/tests/browser/global-setup';
import {
  discoverPages,
  measureLoad,
  median,
  newContext,
  visibleContent,
  type LoadFigures,
} from './lib/pages';

const NAV_PAGES = ['resident home', 'relay', 'check-off', 'gate', 'board'];

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '3' },
    nav: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
});

const server = values.url ? null : await startServer(Number(process.env.BROWSER_PORT ?? 3100));
const baseURL = values.url ?? server!.baseURL;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
});
try {
  const { pages, cookies } = await discoverPages(browser, baseURL);
  const rows: string[] = [];
  const kb = (n: number | null) => (n === null ? '–' : (n / 1024).toFixed(0));
  const ms = (n: number | null) => (n === null ? '–' : String(Math.round(n)));
  for (const spec of pages) {
    if (values.only && !spec.name.includes(values.only)) continue;
    const c = spec.role ? cookies[spec.role] : undefined;
    const look = await newContext(browser, baseURL, { locale: 'zh-CN', cookies: c });
    const expect = await visibleContent(look, spec.path);
    await look.close();
    const loads: LoadFigures[] = [];
    for (let i = 0; i < Number(values.runs); i++)
      loads.push(
        await measureLoad(browser, baseURL, spec, { locale: 'zh-CN', cookies: c, expect, throttle: true }),
      );
    const m = (k: keyof LoadFigures) => median(loads.map((l) => l[k]));
    let nav: number | null = null;
    if (NAV_PAGES.includes(spec.name)) {
      const warm = await newContext(browser, baseURL, { locale: 'zh-CN', cookies: c });
      await measureLoad(browser, baseURL, spec, { locale: 'zh-CN', expect, throttle: false, context: warm });
      const navs: (number | null)[] = [];
      for (let i = 0; i < Number(values.nav); i++)
        navs.push(
          (
            await measureLoad(browser, baseURL, spec, {
              locale: 'zh-CN',
              expect,
              throttle: false,
              context: warm,
            })
          ).contentVisibleMs,
        );
      await warm.close();
      nav = median(navs);
    }
    const row = {
      page: spec.name,
      jsKB: kb(m('jsBytes')),
      totalKB: kb(m('totalBytes')),
      requests: m('requests'),
      firstPaintMs: ms(m('firstPaintMs')),
      contentVisibleMs: ms(m('contentVisibleMs')),
      lcpMs: ms(m('lcpMs')),
      navContentMs: ms(nav),
      expect,
    };
    console.log(JSON.stringify(row));
    rows.push(
      `| ${row.page} | ${row.jsKB} | ${row.totalKB} | ${row.requests} | ${row.firstPaintMs} | ${row.contentVisibleMs} | ${row.lcpMs} | ${nav === null ? '' : row.navContentMs} |`,
    );
  }
  console.log(
    [
      '| page | JS KB (compressed) | total KB | requests | first paint ms | content visible ms | LCP ms | nav → content ms (warm, median of 5) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  );
} finally {
  await browser.close();
  server?.stop();
}
