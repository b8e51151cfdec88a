import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// One transaction helper (docs/ARCHITECTURE.md, Transactions): every transaction is opened by
// `inTransaction` (retried on deadlock/serialization failure) or `inSavepoint` in shared/tx.ts.

const ROOT = join(__dirname, '..', '..');
const HELPER = 'server/services/shared/tx.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}

/** Each `.transaction(` call, with its line: drizzle's own method, which only the helper may call. */
function transactionCalls(file: string, text: string): string[] {
  return [...text.matchAll(/\.transaction\s*\(/g)].map(
    (m) => `${file}:${text.slice(0, m.index).split('\n').length}`,
  );
}

describe('one transaction helper', () => {
  it('no file in server/ or db/ but shared/tx.ts opens a transaction itself', () => {
    const files = [...sources('server'), ...sources('db')].filter(
      (f) => !f.startsWith('db/migrations/') && f !== HELPER,
    );
    const offenders = files.flatMap((f) => transactionCalls(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a direct call, on one line or split', () => {
    expect(transactionCalls('x.ts', 'await ctx.db.transaction(async (tx) => {})')).toEqual(['x.ts:1']);
    expect(transactionCalls('x.ts', 'await database.db\n  .transaction(run)')).toEqual(['x.ts:2']);
    expect(transactionCalls('x.ts', 'await inTransaction(ctx.db, async (tx) => {})')).toEqual([]);
  });

  it('the helper is where the calls are', () => {
    expect(transactionCalls(HELPER, readFileSync(join(ROOT, HELPER), 'utf8')).length).toBeGreaterThan(0);
  });
});
