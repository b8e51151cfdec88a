/**
 * `npm run bench:pages [-- --url http://localhost:3200] [-- --runs 3] [-- --nav 5] [-- --before DIR]`:
 * the first load of each page of issue 18 on a slow phone (4× CPU throttling, 1.6 Mbps / 150 ms,
 * cold cache, median of `runs`), then navigation → content visible without throttling, warm, median
 * of `nav`, for the pages people open under time pressure (issue 13 point 8). Prints a Markdown
 * table for docs/PERFORMANCE.md and one JSON line per page. Without --url it starts the production
 * build of this checkout on BROWSER_PORT (as the browser journeys do). Before measuring, the demo
 * merchant's two formed relays are dispatched, received at the gate, disinfected and released, so
 * the gate, the board and the check-off list show a delivery day.
 *
 * With `--before DIR` (another checkout of Linli, built with `npm run build`) it also starts that
 * build, on BROWSER_PORT + 20 with its own demo database, and measures both in the same run, the
 * loads alternating before / after, so both columns see the same machine under the same load.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { demoId } from '@/db/seed/random';
import { startServer } from '@/tests/browser/global-setup';
import { api } from '@/tests/browser/trpc';
import {
  discoverPages,
  measureLoad,
  median,
  newContext,
  visibleContent,
  type LoadFigures,
  type PageSpec,
} from './lib/pages';

const NAV_PAGES = ['resident home', 'relay', 'check-off', 'gate', 'board'];

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '3' },
    nav: { type: 'string', default: '5' },
    only: { type: 'string' },
    before: { type: 'string' },
    /** Measure the demo as loaded, without the delivery day set up first. */
    'no-delivery': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const navRuns = Number(values.nav);

/** One server under measurement: its pages (with its own ids), its sessions and what each page shows. */
type Side = {
  label: 'before' | 'after';
  baseURL: string;
  pages: PageSpec[];
  cookies: Awaited<ReturnType<typeof discoverPages>>['cookies'];
};

type PageResult = { loads: LoadFigures[]; navs: (number | null)[]; expect: string[] };

async function openSide(browser: Browser, label: Side['label'], baseURL: string): Promise<Side> {
  const { pages, cookies } = await discoverPages(browser, baseURL);
  const side = { label, baseURL, pages, cookies };
  if (!values['no-delivery']) await deliverDemoRelays(browser, side);
  return side;
}

/**
 * As on a delivery day (the walkthrough journey's set-up): the demo merchant dispatches two formed
 * relays, the volunteer records the truck at the gate, disinfects and releases the batch. Then the
 * gate, the board and the volunteer's check-off list have bags to show, not an empty day.
 */
async function deliverDemoRelays(browser: Browser, side: Side) {
  const mutate = async (role: 'merchant' | 'volunteer', path: string, input: Record<string, unknown>) => {
    const context = await newContext(browser, side.baseURL, { locale: 'zh-CN', cookies: side.cookies[role] });
    try {
      return await api<Record<string, string>>(context, path, input);
    } finally {
      await context.close();
    }
  };
  const communityId = demoId('community:zhonglou');
  const { deliveryId } = await mutate('merchant', 'distribution.dispatch', {
    merchantId: demoId('merchant:admitted'),
    communityId,
    relayIds: [demoId('relay:distribution-demo'), demoId('relay:formed-1')],
    eta: new Date(Date.now() + 3_600_000).toISOString(),
    vehiclePlate: '沪A·12345',
    driverName: '李师傅',
    driverPhone: '13900000099',
  });
  const { batchId } = await mutate('volunteer', 'distribution.recordArrival', {
    communityId,
    deliveryId,
    packageCount: 320,
  });
  await mutate('volunteer', 'distribution.recordDisinfection', {
    communityId,
    batchId,
    agent: '含氯消毒剂',
    concentration: '500 mg/L',
    method: 'spray',
  });
  // The dwell is 3 s on a journey server (LINLI_TEST_DWELL_SECONDS).
  for (let attempt = 0; ; attempt++) {
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      await mutate('volunteer', 'distribution.release', { communityId, batchId });
      return;
    } catch (e) {
      if (attempt > 10) throw e;
    }
  }
}

/** The page's expected texts, found once with scripts running, as a person would see it. */
async function expectedContent(browser: Browser, side: Side, spec: PageSpec): Promise<string[]> {
  const c = spec.role ? side.cookies[spec.role] : undefined;
  const look = await newContext(browser, side.baseURL, { locale: 'zh-CN', cookies: c });
  try {
    return await visibleContent(look, spec.path, { lastLine: true });
  } finally {
    await look.close();
  }
}

async function coldLoad(browser: Browser, side: Side, spec: PageSpec, expect: string[]) {
  const cookies = spec.role ? side.cookies[spec.role] : undefined;
  return measureLoad(browser, side.baseURL, spec, { locale: 'zh-CN', cookies, expect, throttle: true });
}

/** Warm navigations (one load to fill the cache first), no throttling: navigation → content visible. */
async function warmNavs(browser: Browser, side: Side, spec: PageSpec, expect: string[], n: number) {
  const cookies = spec.role ? side.cookies[spec.role] : undefined;
  const warm = await newContext(browser, side.baseURL, { locale: 'zh-CN', cookies });
  try {
    const opts = { locale: 'zh-CN' as const, expect, throttle: false, context: warm };
    await measureLoad(browser, side.baseURL, spec, opts);
    const navs: (number | null)[] = [];
    for (let i = 0; i < n; i++)
      navs.push((await measureLoad(browser, side.baseURL, spec, opts)).contentVisibleMs);
    return navs;
  } finally {
    await warm.close();
  }
}

/** Measures one page on every side, alternating the sides load by load. */
async function measurePage(browser: Browser, sides: Side[], name: string): Promise<Map<Side, PageResult>> {
  const out = new Map<Side, PageResult>();
  for (const side of sides) {
    const spec = side.pages.find((p) => p.name === name)!;
    out.set(side, { loads: [], navs: [], expect: await expectedContent(browser, side, spec) });
  }
  const specOf = (side: Side) => side.pages.find((p) => p.name === name)!;
  for (let i = 0; i < runs; i++)
    for (const side of sides) {
      const r = out.get(side)!;
      r.loads.push(await coldLoad(browser, side, specOf(side), r.expect));
    }
  if (NAV_PAGES.includes(name))
    for (let i = 0; i < navRuns; i++)
      for (const side of sides) {
        const r = out.get(side)!;
        r.navs.push(...(await warmNavs(browser, side, specOf(side), r.expect, 1)));
      }
  return out;
}

const kb = (n: number | null, digits = 0) => (n === null ? '–' : (n / 1024).toFixed(digits));
const ms = (n: number | null) => (n === null ? '–' : String(Math.round(n)));

function summary(r: PageResult) {
  const m = (k: keyof LoadFigures) => median(r.loads.map((l) => l[k]));
  return {
    jsKB: kb(m('jsBytes'), 1),
    jsWireKB: kb(m('jsWireBytes'), 1),
    totalKB: kb(m('totalBytes')),
    requests: m('requests'),
    firstPaintMs: ms(m('firstPaintMs')),
    contentVisibleMs: ms(m('contentVisibleMs')),
    lcpMs: ms(m('lcpMs')),
    navContentMs: r.navs.length ? ms(median(r.navs)) : '',
    /** Loads whose content never showed within the wait (counted as missing, not as a time). */
    contentMissing: r.loads.filter((l) => l.contentVisibleMs === null).length,
    expect: r.expect,
  };
}

const server = values.url ? null : await startServer(Number(process.env.BROWSER_PORT ?? 3100));
const beforeServer = values.before
  ? await startServer(Number(process.env.BROWSER_PORT ?? 3100) + 20, { root: path.resolve(values.before) })
  : null;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic'],
});
try {
  const after = await openSide(browser, 'after', values.url ?? server!.baseURL);
  const sides = beforeServer ? [await openSide(browser, 'before', beforeServer.baseURL), after] : [after];
  const header = [
    'JS KB (compressed)',
    'JS KB with headers',
    'total KB',
    'requests',
    'first paint ms',
    'content visible ms',
    'LCP ms',
    `nav → content ms (warm, median of ${navRuns})`,
  ];
  const rows: string[] = [];
  for (const spec of after.pages) {
    if (values.only && !spec.name.includes(values.only)) continue;
    const results = await measurePage(browser, sides, spec.name);
    const cells = sides.map((side) => summary(results.get(side)!));
    for (const [i, side] of sides.entries())
      console.log(
        JSON.stringify({
          page: spec.name,
          side: side.label,
          load1: Number(os.loadavg()[0]!.toFixed(1)),
          ...cells[i],
        }),
      );
    const keys = [
      'jsKB',
      'jsWireKB',
      'totalKB',
      'requests',
      'firstPaintMs',
      'contentVisibleMs',
      'lcpMs',
      'navContentMs',
    ] as const;
    rows.push(
      `| ${spec.name} | ${keys.map((k) => cells.map((c) => String(c[k] ?? '')).join(' → ')).join(' | ')} |`,
    );
  }
  console.log(
    [`| page | ${header.join(' | ')} |`, `| --- |${header.map(() => ' ---: |').join('')}`, ...rows].join(
      '\n',
    ),
  );
  if (sides.length > 1) console.log('(each cell: before → after, same run, loads alternating)');
} finally {
  await browser.close();
  await Promise.all([server?.stop(), beforeServer?.stop()]);
}
