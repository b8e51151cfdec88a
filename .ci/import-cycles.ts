/**
 * No import cycle between the service domains (server/services/<domain>/): a domain may use
 * another only if that one does not, directly or through others, use it back. `shared` is below
 * every domain. Run by `npm run lint`; prints each cycle and exits 1 when there is one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SERVICES = 'server/services';

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((n) => {
    const rel = join(dir, n);
    return statSync(join(ROOT, rel)).isDirectory() ? files(rel) : /\.tsx?$/.test(n) ? [rel] : [];
  });
}

function domainOf(path: string): string | null {
  const rel = relative(SERVICES, path);
  if (rel.startsWith('..')) return null;
  return rel.split('/')[0] ?? null;
}

/** domain → domain → the files that make the edge. */
export function domainGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const f of files(SERVICES)) {
    const from = domainOf(f);
    if (!from) continue;
    const text = readFileSync(join(ROOT, f), 'utf8');
    for (const m of text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      const spec = m[1] ?? m[2]!;
      const target = spec.startsWith('@/')
        ? spec.slice(2)
        : spec.startsWith('.')
          ? normalize(join(dirname(f), spec))
          : null;
      const to = target ? domainOf(target) : null;
      if (!to || to === from) continue;
      if (/^import\s+type\s/.test(m[0])) continue; // types vanish at runtime and do not order modules
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), f]);
      graph.set(from, edges);
    }
  }
  return graph;
}

export function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const walk = (node: string, path: string[]) => {
    for (const next of graph.get(node)?.keys() ?? []) {
      const i = path.indexOf(next);
      if (i >= 0) {
        const cycle = path.slice(i);
        const key = [...cycle].sort().join('>');
        if (!seen.has(key)) {
          seen.add(key);
          found.push([...cycle, next]);
        }
      } else walk(next, [...path, next]);
    }
  };
  for (const d of graph.keys()) walk(d, [d]);
  return found;
}

if (import.meta.filename === process.argv[1]) {
  const graph = domainGraph();
  const found = cycles(graph);
  for (const c of found) {
    console.error(`import cycle: ${c.join(' → ')}`);
    for (let i = 0; i + 1 < c.length; i++) {
      console.error(
        `  ${c[i]} → ${c[i + 1]}: ${graph
          .get(c[i]!)!
          .get(c[i + 1]!)!
          .join(', ')}`,
      );
    }
  }
  if (found.length > 0) process.exit(1);
  console.log(`no import cycle between the ${graph.size} service domains`);
}
