/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) of the production server and says where its CPU time
 * went: self time per category (Next, next-auth, tRPC, zod, drizzle, the database driver, our
 * services, …) and the hottest functions. The server code is bundled by Turbopack into chunks, so
 * positions in the chunk files (under the dist dir's server/chunks) are mapped back to their
 * original files through the chunks' source maps.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

export type CpuBreakdown = {
  totalMs: number;
  windowMs: number;
  byCategory: { category: string; ms: number; share: number }[];
  topFunctions: { fn: string; source: string; ms: number; share: number }[];
};

const maps = new Map<string, SourceMap | null>();
function mapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    try {
      maps.set(
        file,
        new SourceMap(
          JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
        ),
      );
    } catch {
      maps.set(file, null);
    }
  }
  return maps.get(file)!;
}

/** The original file of a profiled position: through the chunk's source map when it is a chunk. */
function originalSource(cf: CallFrame): string {
  if (!cf.url) return '';
  let file = cf.url;
  if (file.startsWith('file://')) file = fileURLToPath(file);
  if (/[/\\]\.next[^/\\]*[/\\]server[/\\]/.test(file)) {
    const m = mapFor(file);
    const entry: { originalSource?: string } | undefined = m?.findEntry(cf.lineNumber, cf.columnNumber);
    if (entry?.originalSource) return decodeURIComponent(entry.originalSource);
  }
  return file;
}

const CATEGORIES: [RegExp, string][] = [
  [
    /node_modules\/(next-auth|jose|@panva|oauth|openid-client|preact-render-to-string)\//,
    'next-auth + jose (session JWT)',
  ],
  [/node_modules\/@trpc\//, 'tRPC'],
  [/node_modules\/superjson|node_modules\/copy-anything|node_modules\/is-what/, 'superjson'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/drizzle-orm\//, 'drizzle-orm'],
  [/node_modules\/postgres\//, 'postgres.js driver'],
  [/node_modules\/@electric-sql\/pglite/, 'PGlite (the database, in-process)'],
  [/node_modules\/stripe\//, 'Stripe SDK'],
  [
    /node_modules\/(next|react|react-dom|react-server-dom[^/]*|scheduler|next-intl|use-intl)\//,
    'Next.js + React runtime',
  ],
  [/node_modules\/libphonenumber-js\//, 'libphonenumber'],
  [/node_modules\//, 'other packages'],
  [/(^|\/)server\/services\//, 'app: services'],
  [/(^|\/)(server|db|app)\//, 'app: router, context, db client'],
  [
    /^node:|^internal\/|^(events|net|http|stream|zlib|buffer|crypto|util|timers)$/,
    'Node core (http, streams, crypto, timers)',
  ],
];

function categorize(cf: CallFrame, source: string): string {
  if (cf.functionName === '(garbage collector)') return 'garbage collection';
  if (cf.functionName === '(idle)') return 'idle';
  if (cf.functionName === '(program)') return 'V8/native (program)';
  if (!source) return 'V8/native (program)';
  const s = source.replace(/\\/g, '/');
  for (const [re, name] of CATEGORIES) if (re.test(s)) return name;
  return 'other';
}

/**
 * Self time per category within [fromUs, toUs] of the profile's clock (the monotonic clock, in µs,
 * the same as process.hrtime in any process on the machine); the whole profile when omitted.
 * `idle` is reported but left out of the shares: it is time the server waited.
 */
export function analyzeCpuProfile(file: string, window?: { fromUs: number; toUs: number }): CpuBreakdown {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  let windowUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    windowUs += dt;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  const cat = new Map<string, number>();
  const fns = new Map<string, { fn: string; source: string; us: number }>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const source = originalSource(n.callFrame);
    const c = categorize(n.callFrame, source);
    cat.set(c, (cat.get(c) ?? 0) + us);
    if (c === 'idle') continue;
    const short = source
      .replace(/^.*node_modules\//, '')
      .replace(/^(\.\.\/)+/, '')
      .replace(`${process.cwd()}${path.sep}`, '');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${short}`;
    const f = fns.get(key) ?? { fn: n.callFrame.functionName || '(anonymous)', source: short, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  const busyUs = [...cat].filter(([c]) => c !== 'idle').reduce((a, [, us]) => a + us, 0);
  const share = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  return {
    totalMs: Math.round(busyUs / 1000),
    windowMs: Math.round(windowUs / 1000),
    byCategory: [...cat]
      .map(([category, us]) => ({
        category,
        ms: Math.round(us / 1000),
        share: category === 'idle' ? 0 : share(us),
      }))
      .sort((a, b) => b.ms - a.ms),
    topFunctions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 25)
      .map((f) => ({ fn: f.fn, source: f.source, ms: Math.round(f.us / 1000), share: share(f.us) })),
  };
}
