/** The demo data of issue 15 on top of the demo compound: notices, needs, offers, a week of shifts. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { seedCareDemo } from '@/db/seed/care';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import { createTestDatabase } from '@/tests/helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoIfEmpty(database, [seedCareDemo]);
});
afterAll(async () => {
  await database.close();
});

const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => queryRows<T>(database.db, q);

describe('care demo seed', () => {
  it('has notices at different read levels, one to the whole compound of 1,506 households', async () => {
    const n = await rows<{ title: string; households: number; read: number }>(
      sql`select n.title, n.household_count as households, count(r.read_at)::int as read
          from notices n join notice_receipts r on r.community_id = n.community_id and r.notice_id = n.id
          group by n.community_id, n.id, n.title, n.household_count order by n.household_count desc`,
    );
    expect(n).toHaveLength(3);
    expect(n[0]!.households).toBe(1506);
    const levels = n.map((x) => x.read / x.households);
    expect(new Set(levels.map((l) => Math.round(l * 10))).size).toBe(3);
    expect(levels.at(-1)).toBe(0);
  });

  it('has open and done needs, pending offers and a week of shifts with unfilled slots', async () => {
    const needs = await rows<{ status: string }>(sql`select status from needs order by status`);
    expect(needs.map((x) => x.status)).toEqual(['open', 'settled']);
    const offers = await rows<{ n: number }>(
      sql`select count(*)::int as n from volunteer_applications where status = 'pending'`,
    );
    expect(offers[0]!.n).toBe(3);
    const tasks = await rows<{ days: number; n: number; unfilled: number; filled: number; claims: number }>(
      sql`select count(distinct (starts_at at time zone 'Asia/Shanghai')::date)::int as days, count(*)::int as n,
                 count(*) filter (where filled < slots)::int as unfilled, sum(filled)::int as filled,
                 (select count(*)::int from task_claims where status = 'claimed') as claims
          from volunteer_tasks`,
    );
    expect(tasks[0]).toMatchObject({ days: 7, n: 21 });
    expect(tasks[0]!.unfilled).toBeGreaterThan(0);
    expect(tasks[0]!.claims).toBe(tasks[0]!.filled);
  });
});
