import { createHash } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import {
  admissions,
  buildings,
  careProfiles,
  communities,
  households,
  memberships,
  merchantMembers,
  merchants,
  products,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';

/** The tables the demo seed writes, in a fixed order, with the columns that order them. */
const TABLES: [string, PgTable, ReturnType<typeof asc>[]][] = [
  ['communities', communities, [asc(communities.id)]],
  ['users', users, [asc(users.id)]],
  ['buildings', buildings, [asc(buildings.communityId), asc(buildings.id)]],
  ['stairwells', stairwells, [asc(stairwells.communityId), asc(stairwells.id)]],
  ['households', households, [asc(households.communityId), asc(households.id)]],
  ['memberships', memberships, [asc(memberships.communityId), asc(memberships.id)]],
  [
    'stairwell_assignments',
    stairwellAssignments,
    [asc(stairwellAssignments.communityId), asc(stairwellAssignments.id)],
  ],
  ['care_profiles', careProfiles, [asc(careProfiles.communityId), asc(careProfiles.id)]],
  ['merchants', merchants, [asc(merchants.id)]],
  ['merchant_members', merchantMembers, [asc(merchantMembers.merchantId), asc(merchantMembers.userId)]],
  ['products', products, [asc(products.id)]],
  ['admissions', admissions, [asc(admissions.communityId), asc(admissions.id)]],
];

/** Row times the database stamps when the row is written; everything else must be identical. */
const WRITE_TIMES = new Set(['createdAt', 'updatedAt']);

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => !WRITE_TIMES.has(k))
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A sha256 over every row of the demo's tables (write times left out), the same on both drivers:
 * two databases seeded from scratch must give the same digest.
 */
export async function demoDigest(db: DbOrTx): Promise<{ digest: string; rows: Record<string, number> }> {
  const hash = createHash('sha256');
  const rows: Record<string, number> = {};
  for (const [name, table, order] of TABLES) {
    const result = (await db
      .select()
      .from(table)
      .orderBy(...order)) as unknown[];
    rows[name] = result.length;
    hash.update(`${name}\n`);
    for (const row of result) hash.update(`${JSON.stringify(canonical(row))}\n`);
  }
  return { digest: hash.digest('hex'), rows };
}
