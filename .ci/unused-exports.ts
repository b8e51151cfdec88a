/**
 * Exports nobody imports. Walks every TypeScript file of the project (app, server, db, tests,
 * bench, .ci), records which names each file imports from which module (resolved the way tsc
 * resolves them, `@/` alias included), and prints the exports of server/, db/ and app/ that no
 * other file imports. Run by `npm run lint`; exits 1 when it finds one that is not in the baseline.
 *
 * Conservative on purpose, so it never calls a used export unused: `import * as x`, `export *`
 * and a dynamic `import()` count as using every export of the module. Files that frameworks or
 * tools load by name are entry points and are not checked (Next.js pages, layouts and route
 * handlers, instrumentation, drizzle's schema, CLIs). An export that is only used in its own file
 * is reported too: drop the `export` keyword.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const SCAN = ['app', 'server', 'db', 'tests', 'bench', '.ci'];
const SKIP_DIRS = new Set(['node_modules', '.next', '.data', 'migrations', 'artifacts']);
const CHECKED = /^(server|db|app)\//;

/** Loaded by a framework or a tool, not imported: their exports are used by convention. */
const ENTRY_POINTS = [
  /^app\/.*\/?(page|layout|route|loading|error|global-error|not-found|template|default|manifest|robots|sitemap|opengraph-image|icon)\.tsx?$/,
  /^app\/(page|layout|route|loading|error|global-error|not-found|template|default|manifest)\.tsx?$/,
  /^app\/i18n\/request\.ts$/, // next-intl's plugin loads it by path
  /^db\/schema\//, // drizzle-kit reads every table export
  /(^|\/)cli(\/|\.ts$)/, // command-line scripts
  /^db\/(seed\/index|migrate)\.ts$/,
  /^server\/payments\/stripe-mock\/cli\.ts$/,
];

function files(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(ROOT, dir));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    if (SKIP_DIRS.has(n)) return [];
    const rel = join(dir, n);
    if (statSync(join(ROOT, rel)).isDirectory()) return files(rel);
    return /\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [rel] : [];
  });
}

const compilerOptions: ts.CompilerOptions = {
  baseUrl: ROOT,
  paths: { '@/*': ['./*'] },
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  module: ts.ModuleKind.ESNext,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  jsx: ts.JsxEmit.ReactJSX,
};

function resolve(spec: string, fromFile: string): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('@/')) return null;
  const r = ts.resolveModuleName(spec, join(ROOT, fromFile), compilerOptions, ts.sys).resolvedModule;
  if (!r || r.isExternalLibraryImport) return null;
  return relative(ROOT, r.resolvedFileName);
}

type Exported = { name: string; line: number };

const rootFiles = readdirSync(ROOT).filter((n) => /\.tsx?$/.test(n) && !n.endsWith('.d.ts'));
const all = [...SCAN.flatMap(files), ...rootFiles];
function exists(f: string) {
  try {
    statSync(join(ROOT, f));
    return true;
  } catch {
    return false;
  }
}

const exportsOf = new Map<string, Exported[]>();
/** file → names other files import from it ('*' = all of them). */
const used = new Map<string, Set<string>>();
/** file → names it re-exports from another file (`export { a } from './x'` makes x.a used). */
const use = (file: string | null, name: string) => {
  if (!file) return;
  const s = used.get(file) ?? new Set<string>();
  s.add(name);
  used.set(file, s);
};

const hasExport = (n: ts.Node) =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (n: ts.Node) =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

for (const file of all) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? 4 : 3);
  const mine: Exported[] = [];
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const target = resolve(st.moduleSpecifier.text, file);
      const clause = st.importClause;
      if (!clause) continue;
      if (clause.name) use(target, 'default');
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) use(target, '*');
      if (nb && ts.isNamedImports(nb))
        for (const el of nb.elements) use(target, (el.propertyName ?? el.name).text);
    } else if (ts.isExportDeclaration(st)) {
      const target =
        st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)
          ? resolve(st.moduleSpecifier.text, file)
          : null;
      if (!st.exportClause) {
        use(target, '*'); // export * from: every export of target may be used through this file
        continue;
      }
      if (ts.isNamespaceExport(st.exportClause)) {
        use(target, '*');
        mine.push({ name: st.exportClause.name.text, line: lineOf(st) });
        continue;
      }
      for (const el of st.exportClause.elements) {
        if (target) use(target, (el.propertyName ?? el.name).text);
        mine.push({ name: el.name.text, line: lineOf(el) });
      }
    } else if (ts.isExportAssignment(st)) {
      mine.push({ name: 'default', line: lineOf(st) });
    } else if (hasExport(st)) {
      if (hasDefault(st)) mine.push({ name: 'default', line: lineOf(st) });
      else if (ts.isVariableStatement(st))
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) mine.push({ name: d.name.text, line: lineOf(d) });
        }
      else if (
        (ts.isFunctionDeclaration(st) ||
          ts.isClassDeclaration(st) ||
          ts.isInterfaceDeclaration(st) ||
          ts.isTypeAliasDeclaration(st) ||
          ts.isEnumDeclaration(st)) &&
        st.name
      )
        mine.push({ name: st.name.text, line: lineOf(st) });
    }
  }
  // import('x'), vi.mock('x'), and `typeof import('x')` types: the whole module counts as used.
  const visit = (n: ts.Node) => {
    if (
      ts.isCallExpression(n) &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0]) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isPropertyAccessExpression(n.expression) &&
          /^(mock|doMock|importActual)$/.test(n.expression.name.text)))
    )
      use(resolve(n.arguments[0].text, file), '*');
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal))
      use(resolve(n.argument.literal.text, file), '*');
    ts.forEachChild(n, visit);
  };
  visit(sf);
  exportsOf.set(file, mine);
}

const unused: string[] = [];
for (const [file, exps] of exportsOf) {
  if (!CHECKED.test(file) || ENTRY_POINTS.some((re) => re.test(file))) continue;
  const u = used.get(file);
  if (u?.has('*')) continue;
  for (const e of exps) if (!u?.has(e.name)) unused.push(`${file}:${e.line} ${e.name}`);
}

/**
 * Exports that were already unused when this check arrived (issue 16), as `file name`. Only a new
 * unused export fails lint; take an entry out when you fix it (`--write-baseline` rewrites the
 * file from what is unused now). The goal is an empty file.
 */
const BASELINE = join(ROOT, '.ci/unused-exports.baseline');
const key = (u: string) => u.replace(/:\d+ /, ' ');
if (process.argv.includes('--write-baseline')) {
  writeFileSync(BASELINE, [...new Set(unused.map(key))].sort().join('\n') + '\n');
  console.log(`wrote ${BASELINE}`);
  process.exit(0);
}
const known = new Set(
  (exists('.ci/unused-exports.baseline') ? readFileSync(BASELINE, 'utf8') : '').split('\n').filter(Boolean),
);
const fresh = unused.filter((u) => !known.has(key(u)));
const stillUnused = new Set(unused.map(key));
const stale = [...known].filter((k) => !stillUnused.has(k));
if (stale.length)
  console.log(
    `${stale.length} entries of .ci/unused-exports.baseline are used or gone now; drop them:`,
    stale,
  );
if (fresh.length) {
  console.log(`${fresh.length} new exports that no other file imports (drop them, or the \`export\`):`);
  for (const u of fresh) console.log(`  ${u}`);
  process.exit(1);
}
console.log(
  `unused exports: no new ones in ${exportsOf.size} files (${known.size - stale.length} old ones in the baseline)`,
);
