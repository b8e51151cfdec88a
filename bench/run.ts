/**
 * `npm run bench [-- name …]`: runs the benchmarks listed below (all by default), prints one JSON
 * line per measure (`{"bench": "...", "measure": "...", "ms": …}`) and then a readable table.
 * Benchmarks print ratios against a baseline measured in the same run, so figures from different
 * machines stay comparable. `pick-list` runs in-process (PGlite, or PostgreSQL when DATABASE_URL is
 * set); `postgres` and `pglite` build and start the production server on a fresh database of that
 * driver and drive it over HTTP (bench/relay.ts; docs/PERFORMANCE.md has the figures and how to read
 * them).
 */
import { performance } from 'node:perf_hooks';

export type Measure = { bench: string; measure: string; ms: number } & Record<
  string,
  string | number | boolean | null
>;
/** `optional` benches run only when named (`npm run bench -- profile`). */
export type Bench = { name: string; description: string; optional?: boolean; run: () => Promise<Measure[]> };

/** Add a benchmark with one line. */
const BENCHES: Bench[] = [
  {
    name: 'pick-list',
    description: 'pick list and exports for 1,506 households × 3 lines, beside the bare SQL aggregate',
    run: async () => (await import('./pick-list')).runPickListBench(),
  },
  {
    name: 'postgres',
    description:
      'relay flash crowd vs bare SQL, scale curve, SSE fan-out and fault drills, production server on PostgreSQL',
    run: async () => (await import('./relay')).runRelayBench('postgres'),
  },
  {
    name: 'pglite',
    description: 'the same on the embedded PGlite (one process owns the database)',
    run: async () => (await import('./relay')).runRelayBench('pglite'),
  },
  {
    name: 'profile',
    description:
      'where a join spends its time: layers over HTTP, statement spans, micro costs, server CPU profile during a flash',
    optional: true,
    run: async () => (await import('./profile')).runProfileBench(),
  },
];

function table(rows: Measure[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | boolean | null | undefined) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v == null ? '' : String(v);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [
    line(keys),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(keys.map((k) => cell(r[k])))),
  ].join('\n');
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown bench: ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const selected = wanted.length
    ? BENCHES.filter((b) => wanted.includes(b.name))
    : BENCHES.filter((b) => !b.optional);
  const all: Measure[] = [];
  for (const b of selected) {
    const started = performance.now();
    console.error(`[bench] ${b.name}: ${b.description}`);
    const measures = await b.run();
    for (const m of measures) console.log(JSON.stringify(m));
    all.push(...measures);
    console.error(`[bench] ${b.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  // One table per bench: their columns differ.
  for (const name of [...new Set(all.map((m) => m.bench))])
    console.log(`\n${name}\n${table(all.filter((m) => m.bench === name))}`);
  // A bench that checks invariants (no oversell, nothing lost, …) says so with `holds`.
  const broken = all.filter((m) => m.holds === false);
  if (broken.length) {
    console.error(
      `\n[bench] invariants broken in: ${broken.map((m) => `${m.bench}/${String(m.driver ?? '')}`).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
