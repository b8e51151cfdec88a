/**
 * Short functions (docs/ARCHITECTURE.md, "Reading a verb"): prints the ten longest functions in
 * server/ and exits 1 when any is over LIMIT lines. A long verb becomes named steps.
 * `tsx .ci/function-length.ts [--top N]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export const LIMIT = 100;
const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((n) => {
    const rel = join(dir, n);
    return statSync(join(ROOT, rel)).isDirectory() ? files(rel) : /\.tsx?$/.test(n) ? [rel] : [];
  });
}

export type FunctionLength = { file: string; line: number; name: string; lines: number };

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
    return node.name.getText();
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText();
  if (p && ts.isPropertyAssignment(p)) return p.name.getText();
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

export function functionLengths(dir = 'server'): FunctionLength[] {
  const out: FunctionLength[] = [];
  for (const file of files(dir)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (
        ts.isFunctionDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isArrowFunction(node) ||
        ts.isFunctionExpression(node)
      ) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        out.push({ file, line: start + 1, name: nameOf(node), lines: end - start + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out.sort((a, b) => b.lines - a.lines);
}

if (import.meta.filename === process.argv[1]) {
  const i = process.argv.indexOf('--top');
  const top = i > 0 ? Number(process.argv[i + 1]) : 10;
  const all = functionLengths();
  console.log(`the ${top} longest functions in server/ (limit ${LIMIT} lines):`);
  for (const f of all.slice(0, top)) {
    console.log(
      `${String(f.lines).padStart(5)}  ${f.name}  ${f.file}:${f.line}${f.lines > LIMIT ? '  OVER' : ''}`,
    );
  }
  const over = all.filter((f) => f.lines > LIMIT);
  if (over.length > 0) {
    console.error(`${over.length} function(s) over ${LIMIT} lines`);
    process.exit(1);
  }
}
