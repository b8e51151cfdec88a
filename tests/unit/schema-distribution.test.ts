/**
 * Keeps the schema distributable on Citus (DESIGN.md §7, docs/SCALING.md): every table is either a
 * reference table (listed in db/schema/reference.ts, replicated to every node) or distributed by
 * `community_id`, and then everything that must hold on one node — its primary key, its unique
 * constraints, its foreign keys to other distributed tables — includes `community_id`.
 */
import { getTableName, is } from 'drizzle-orm';
import {
  foreignKey,
  getTableConfig,
  pgTable,
  primaryKey,
  PgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import { REFERENCE_TABLES } from '@/db/schema/reference';

const DIST = 'community_id';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The SQL name of a column: the client maps camelCase keys to snake_case (casing: 'snake_case'). */
function colName(c: unknown): string {
  const col = c as { name: string; keyAsName?: boolean };
  return col.keyAsName ? snake(col.name) : col.name;
}

function tablesOf(mod: Record<string, unknown>): PgTable[] {
  return Object.values(mod).filter((v): v is PgTable => is(v, PgTable));
}

/** Every way the given tables break the distribution rules, as sentences; empty when all is well. */
function distributionProblems(tables: PgTable[], referenceNames: readonly string[]): string[] {
  const problems: string[] = [];
  const names = new Set(tables.map((t) => getTableName(t)));
  const reference = new Set(referenceNames);
  for (const r of reference)
    if (!names.has(r)) problems.push(`reference table ${r} is listed but not in the schema`);

  for (const table of tables) {
    const cfg = getTableConfig(table);
    const t = cfg.name;
    const fks = cfg.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return {
        columns: ref.columns.map(colName),
        foreignColumns: ref.foreignColumns.map(colName),
        target: getTableName(ref.foreignTable),
      };
    });

    if (reference.has(t)) {
      for (const fk of fks) {
        if (!reference.has(fk.target)) {
          problems.push(
            `reference table ${t} references distributed table ${fk.target} (a replicated row cannot point into one shard)`,
          );
        }
      }
      continue;
    }

    const columns = cfg.columns;
    const dist = columns.find((c) => colName(c) === DIST);
    if (!dist) {
      problems.push(`${t} has no ${DIST}: list it in REFERENCE_TABLES or add ${DIST}`);
      continue;
    }
    if (!dist.notNull) problems.push(`${t}.${DIST} must be NOT NULL`);

    const pk = [
      ...cfg.primaryKeys.map((p) => p.columns.map(colName)),
      ...columns.filter((c) => c.primary).map((c) => [colName(c)]),
    ];
    if (pk.length === 0) problems.push(`${t} has no primary key`);
    for (const cols of pk) {
      if (!cols.includes(DIST)) problems.push(`${t} primary key (${cols.join(', ')}) lacks ${DIST}`);
    }

    const uniques = [
      ...cfg.uniqueConstraints.map((u) => ({ what: `unique ${u.getName()}`, cols: u.columns.map(colName) })),
      ...columns
        .filter((c) => c.isUnique)
        .map((c) => ({ what: `unique column ${colName(c)}`, cols: [colName(c)] })),
      ...cfg.indexes
        .filter((i) => i.config.unique)
        .map((i) => ({
          what: `unique index ${i.config.name ?? '(unnamed)'}`,
          cols: i.config.columns.map((c) =>
            'name' in c && typeof c.name === 'string' ? colName(c) : '<expression>',
          ),
        })),
    ];
    for (const u of uniques) {
      if (!u.cols.includes(DIST))
        problems.push(
          `${t} ${u.what} (${u.cols.join(', ')}) lacks ${DIST}: it could not be enforced per shard`,
        );
    }

    for (const fk of fks) {
      if (reference.has(fk.target)) continue;
      const i = fk.columns.indexOf(DIST);
      if (i < 0 || fk.foreignColumns[i] !== DIST) {
        problems.push(
          `${t} foreign key (${fk.columns.join(', ')}) → ${fk.target}(${fk.foreignColumns.join(', ')}) must match ${DIST} to ${DIST} to stay co-located`,
        );
      }
    }
  }
  return problems;
}

const TABLES = tablesOf(schema);

describe('schema distribution (Citus: distributed by community_id, or a reference table)', () => {
  it('finds the tables', () => {
    expect(TABLES.length).toBeGreaterThan(15);
    expect(TABLES.map((t) => getTableName(t))).toEqual(
      expect.arrayContaining(['households', 'orders', 'users', 'merchants']),
    );
  });

  it('holds every table of db/schema to the rules', () => {
    expect(distributionProblems(TABLES, REFERENCE_TABLES)).toEqual([]);
  });

  it('has no table listed twice, and every listed reference table exists', () => {
    expect(new Set(REFERENCE_TABLES).size).toBe(REFERENCE_TABLES.length);
    const names = new Set(TABLES.map((t) => getTableName(t)));
    expect(REFERENCE_TABLES.filter((r) => !names.has(r))).toEqual([]);
  });

  describe('fails on a schema that breaks them', () => {
    const communities = pgTable('t_communities', { id: uuid().primaryKey() });
    const good = pgTable(
      't_good',
      { communityId: uuid().notNull(), id: uuid().notNull(), code: text().notNull() },
      (t) => [primaryKey({ columns: [t.communityId, t.id] }), unique().on(t.communityId, t.code)],
    );
    const ref = ['t_communities'];

    it('accepts a well-formed pair', () => {
      expect(distributionProblems([communities, good], ref)).toEqual([]);
    });

    it('a tenant table without community_id', () => {
      const bad = pgTable('t_no_tenant', { id: uuid().primaryKey(), name: text() });
      expect(distributionProblems([communities, good, bad], ref)).toEqual([
        't_no_tenant has no community_id: list it in REFERENCE_TABLES or add community_id',
      ]);
    });

    it('a primary key without community_id, and a nullable community_id', () => {
      const bad = pgTable('t_bad_pk', { communityId: uuid(), id: uuid().primaryKey() });
      expect(distributionProblems([communities, bad], ref)).toEqual([
        't_bad_pk.community_id must be NOT NULL',
        't_bad_pk primary key (id) lacks community_id',
      ]);
    });

    it('unique constraints, unique columns and unique indexes without community_id', () => {
      const bad = pgTable(
        't_bad_unique',
        {
          communityId: uuid().notNull(),
          id: uuid().notNull(),
          code: text().notNull(),
          slug: text().unique(),
          key: text(),
        },
        (t) => [
          primaryKey({ columns: [t.communityId, t.id] }),
          unique('t_code').on(t.code),
          uniqueIndex('t_key').on(t.key),
        ],
      );
      const problems = distributionProblems([communities, bad], ref);
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/unique t_code \(code\) lacks community_id/);
      expect(problems.join('\n')).toMatch(/unique column slug/);
      expect(problems.join('\n')).toMatch(/unique index t_key \(key\)/);
    });

    it('a foreign key to a distributed table without community_id', () => {
      const bad = pgTable(
        't_bad_fk',
        { communityId: uuid().notNull(), id: uuid().notNull(), goodId: uuid().notNull() },
        (t) => [
          primaryKey({ columns: [t.communityId, t.id] }),
          foreignKey({ columns: [t.goodId], foreignColumns: [good.id] }),
        ],
      );
      expect(distributionProblems([communities, good, bad], ref)).toEqual([
        't_bad_fk foreign key (good_id) → t_good(id) must match community_id to community_id to stay co-located',
      ]);
    });

    it('a reference table that points into a distributed one, and a stale reference entry', () => {
      const badRef = pgTable('t_bad_ref', {
        id: uuid().primaryKey(),
        goodId: uuid().references(() => good.id),
      });
      expect(distributionProblems([communities, good, badRef], [...ref, 't_bad_ref', 't_gone'])).toEqual([
        'reference table t_gone is listed but not in the schema',
        'reference table t_bad_ref references distributed table t_good (a replicated row cannot point into one shard)',
      ]);
    });
  });
});
