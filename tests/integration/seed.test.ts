import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { admissions, communities, merchantMembers, merchants, products } from '@/db/schema';
import { seedDemoIfEmpty, type DemoRefs } from '@/db/seed/demo';
import { DEMO_ACCOUNTS } from '@/db/seed/demo-accounts';
import { DISTRIBUTION_DEMO_RELAY_TITLE, seedDistributionDemo } from '@/db/seed/distribution';
import { seedDemoRelays } from '@/db/seed/relays';
import { demoDigest } from '@/db/seed/digest';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import { createTestDatabase, testDriver } from '@/tests/helpers/db';

let database: Database;
let summary: string | null;
let zhonglou: string;
let dongyuan: string;

beforeAll(async () => {
  database = await createTestDatabase();
  summary = await seedDemoIfEmpty(database, []);
  const rows = await database.db.select({ id: communities.id, name: communities.name }).from(communities);
  zhonglou = rows.find((r) => r.name === '钟楼新村')!.id;
  dongyuan = rows.find((r) => r.name === '东苑新村')!.id;
});
afterAll(async () => {
  await database.close();
});

const one = async <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) =>
  (await queryRows<T>(database.db, q))[0]!;

describe(`demo seed (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('reports what it created in one line', () => {
    expect(summary).toMatch(
      /^钟楼新村: 135 stairwells, 1,506 households, 3,\d{3} residents \(670 aged 60\+\)/,
    );
    expect(summary).not.toContain('\n');
    expect(summary).toContain(testDriver());
  });

  it('builds 钟楼新村 as the article tells it: 135 stairwells, 1,506 households, 3,400+ residents, 670 aged 60+', async () => {
    const c = await one<{
      stairwells: number;
      households: number;
      headcount: number;
      residents: number;
      elderly: number;
    }>(sql`
      select
        (select count(*)::int from stairwells where community_id = ${zhonglou}) as stairwells,
        (select count(*)::int from households where community_id = ${zhonglou}) as households,
        (select sum(headcount)::int from households where community_id = ${zhonglou}) as headcount,
        (select count(*)::int from memberships where community_id = ${zhonglou} and role = 'resident') as residents,
        (select count(*)::int from memberships m join users u on u.id = m.user_id
          where m.community_id = ${zhonglou} and m.role = 'resident' and u.birth_year <= 2022 - 60) as elderly`);
    expect(c.stairwells).toBe(135);
    expect(c.households).toBe(1506);
    expect(c.residents).toBeGreaterThanOrEqual(3400);
    expect(c.residents).toBeLessThan(3500);
    // A household's headcount is the people registered in it.
    expect(c.headcount).toBe(c.residents);
    expect(c.elderly).toBe(670);
  });

  it('gives every stairwell one leader and one volunteer who are volunteers of the compound (一楼一组一群)', async () => {
    const rows = await queryRows<{ leaders: number; volunteers: number; outsiders: number }>(
      database.db,
      sql`select
            count(*) filter (where a.role = 'leader')::int as leaders,
            count(*) filter (where a.role = 'volunteer')::int as volunteers,
            count(*) filter (where not exists (select 1 from memberships m where m.community_id = a.community_id
              and m.user_id = a.user_id and m.role = 'volunteer'))::int as outsiders
          from stairwells s left join stairwell_assignments a on a.community_id = s.community_id and a.stairwell_id = s.id
          where s.community_id = ${zhonglou} group by s.id`,
    );
    expect(rows).toHaveLength(135);
    for (const r of rows) expect(r).toEqual({ leaders: 1, volunteers: 1, outsiders: 0 });
    const v = await one<{ n: number }>(
      sql`select count(*)::int as n from memberships where community_id = ${zhonglou} and role = 'volunteer'`,
    );
    expect(v.n).toBeGreaterThanOrEqual(270);
    expect(v.n).toBeLessThan(300);
  });

  it('has the group owner 何红霞 and admins including 孙钦 ("1+X+N")', async () => {
    const rows = await queryRows<{ role: string; name: string }>(
      database.db,
      sql`select m.role::text as role, u.name from memberships m join users u on u.id = m.user_id
          where m.community_id = ${zhonglou} and m.role in ('owner', 'admin') order by u.name`,
    );
    expect(rows.filter((r) => r.role === 'owner')).toEqual([{ role: 'owner', name: '何红霞' }]);
    expect(rows.filter((r) => r.role === 'admin').map((r) => r.name)).toContain('孙钦');
  });

  it('keeps a care registry in realistic proportions, with restricted notes', async () => {
    const rows = await queryRows<{ category: string; n: number }>(
      database.db,
      sql`select c::text as category, count(*)::int as n from care_profiles, unnest(categories) c
          where community_id = ${zhonglou} group by 1`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.category, r.n]));
    // Every elderly person living alone is on the list (96 such homes), and a few dozen without a smartphone.
    expect(by.elderly_alone).toBe(96);
    expect(by.no_smartphone).toBeGreaterThanOrEqual(30);
    expect(by.chronic_illness).toBeGreaterThan(20);
    expect(by.disability).toBeGreaterThan(5);
    expect(by.infant).toBeGreaterThan(5);
    const total = await one<{ n: number; blank: number }>(
      sql`select count(*)::int as n, count(*) filter (where notes = '')::int as blank from care_profiles where community_id = ${zhonglou}`,
    );
    expect(total.n).toBeGreaterThan(150);
    expect(total.n).toBeLessThan(400);
    expect(total.blank).toBe(0);
  });

  it('has three merchants: one admitted with a priced catalog, one awaiting review, one with an expired permit', async () => {
    const rows = await database.db
      .select({
        id: merchants.id,
        name: merchants.displayName,
        status: admissions.status,
        permit: merchants.foodPermitExpiresOn,
      })
      .from(merchants)
      .innerJoin(
        admissions,
        and(eq(admissions.merchantId, merchants.id), eq(admissions.communityId, zhonglou)),
      );
    expect(rows.map((r) => r.status).sort()).toEqual(['approved', 'expired', 'submitted']);
    const admitted = rows.find((r) => r.status === 'approved')!;
    const pending = rows.find((r) => r.status === 'submitted')!;
    const expired = rows.find((r) => r.status === 'expired')!;
    expect(expired.permit! < '2023-01-01').toBe(true);

    // What the relay domain will check before a merchant may sell today.
    await expect(
      requireActiveAdmission(database.db, zhonglou, admitted.id, new Date()),
    ).resolves.toBeUndefined();
    await expect(requireActiveAdmission(database.db, zhonglou, pending.id, new Date())).rejects.toMatchObject(
      { code: 'ADMISSION_NOT_APPROVED' },
    );
    await expect(requireActiveAdmission(database.db, zhonglou, expired.id, new Date())).rejects.toMatchObject(
      { code: 'ADMISSION_EXPIRED' },
    );
    // Not admitted in the other compound.
    await expect(
      requireActiveAdmission(database.db, dongyuan, admitted.id, new Date()),
    ).rejects.toMatchObject({ code: 'ADMISSION_NOT_APPROVED' });

    const catalog = await database.db.select().from(products).where(eq(products.merchantId, admitted.id));
    expect(catalog.length).toBeGreaterThanOrEqual(10);
    for (const p of catalog) {
      expect(Number.isInteger(p.priceFen)).toBe(true);
      expect(p.priceFen).toBeGreaterThan(0);
    }
    expect(catalog).toContainEqual(
      expect.objectContaining({ name: '东北大米', spec: '5kg/袋', priceFen: 3990 }),
    );
    expect(catalog).toContainEqual(expect.objectContaining({ spec: '30枚/盒' }));
  });

  it('creates the demo accounts with their roles, the resident in 3号楼 2单元 201, the volunteer on 3-2', async () => {
    const roles = async (phone: string, communityId: string) =>
      (
        await queryRows<{ role: string; place: string | null }>(
          database.db,
          sql`select m.role::text as role, b.number || '-' || s.number || '-' || h.room as place
              from users u join memberships m on m.user_id = u.id and m.community_id = ${communityId}
              left join households h on h.community_id = m.community_id and h.id = m.household_id
              left join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
              left join buildings b on b.community_id = s.community_id and b.id = s.building_id
              where u.phone = ${phone} order by 1`,
        )
      ).map((r) => (r.place ? `${r.role}@${r.place}` : r.role));
    expect(await roles(DEMO_ACCOUNTS.owner.phone, zhonglou)).toEqual(['owner']);
    expect(await roles(DEMO_ACCOUNTS.admin.phone, zhonglou)).toEqual(['admin']);
    expect(await roles(DEMO_ACCOUNTS.resident.phone, zhonglou)).toEqual(['resident@3-2-201']);
    expect(await roles(DEMO_ACCOUNTS.volunteer.phone, zhonglou)).toEqual(['resident@3-2-502', 'volunteer']);
    expect(await roles(DEMO_ACCOUNTS.merchant.phone, zhonglou)).toEqual([]);
    for (const a of Object.values(DEMO_ACCOUNTS)) expect(await roles(a.phone, dongyuan)).toEqual([]);

    const assigned = await queryRows<{ place: string; role: string }>(
      database.db,
      sql`select b.number || '-' || s.number as place, a.role::text as role
          from stairwell_assignments a join users u on u.id = a.user_id
          join stairwells s on s.community_id = a.community_id and s.id = a.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          where u.phone = ${DEMO_ACCOUNTS.volunteer.phone} order by 1`,
    );
    expect(assigned).toEqual([
      { place: '3-1', role: 'volunteer' },
      { place: '3-2', role: 'leader' },
    ]);

    const owned = await database.db
      .select({ status: admissions.status, role: merchantMembers.role })
      .from(merchantMembers)
      .innerJoin(
        admissions,
        and(eq(admissions.merchantId, merchantMembers.merchantId), eq(admissions.communityId, zhonglou)),
      )
      .innerJoin(sql`users`, sql`users.id = ${merchantMembers.userId}`)
      .where(sql`users.phone = ${DEMO_ACCOUNTS.merchant.phone}`);
    expect(owned).toEqual([{ status: 'approved', role: 'owner' }]);
  });

  it('adds a small second compound with its own coordinators and volunteers', async () => {
    const c = await one<{ stairwells: number; households: number; owners: number; leaders: number }>(sql`
      select
        (select count(*)::int from stairwells where community_id = ${dongyuan}) as stairwells,
        (select count(*)::int from households where community_id = ${dongyuan}) as households,
        (select count(*)::int from memberships where community_id = ${dongyuan} and role = 'owner') as owners,
        (select count(*)::int from stairwell_assignments where community_id = ${dongyuan} and role = 'leader') as leaders`);
    expect(c).toEqual({ stairwells: 4, households: 48, owners: 1, leaders: 4 });
  });

  it("puts every demo relay's orders in its chain (接龙名单 lists as many households as have joined)", async () => {
    const withRelays = await createTestDatabase();
    try {
      await seedDemoIfEmpty(withRelays, [seedDistributionDemo, seedDemoRelays]);
      const rows = await queryRows<{ title: string; orders: number; in_chain: number; ahead: boolean }>(
        withRelays.db,
        sql`select r.title, count(o.id)::int as orders,
                   count(o.id) filter (where o.chain_version > 0)::int as in_chain,
                   coalesce(max(o.chain_version), 0) < r.chain_version as ahead
              from relays r join orders o on o.community_id = r.community_id and o.relay_id = r.id
             group by r.id, r.title, r.chain_version`,
      );
      expect(rows.map((r) => r.title)).toContain(DISTRIBUTION_DEMO_RELAY_TITLE);
      for (const r of rows)
        expect({ title: r.title, inChain: r.in_chain, ahead: r.ahead }).toEqual({
          title: r.title,
          inChain: r.orders,
          ahead: true,
        });
    } finally {
      await withRelays.close();
    }
  });

  it('does nothing the second time', async () => {
    const before = await demoDigest(database.db);
    expect(await seedDemoIfEmpty(database, [])).toBeNull();
    expect(await demoDigest(database.db)).toEqual(before);
  });

  it('gives identical data on another fresh database, and hands the extra seeds the demo ids', async () => {
    const other = await createTestDatabase();
    try {
      const seen: DemoRefs[] = [];
      await seedDemoIfEmpty(other, [
        async (db, refs) => {
          seen.push(refs);
          // An extra sees the committed demo data.
          const n = await queryRows<{ n: number }>(
            db.db,
            sql`select count(*)::int as n from households where id = ${refs.households.demoResident}`,
          );
          expect(n[0]!.n).toBe(1);
        },
      ]);
      expect(await demoDigest(other.db)).toEqual(await demoDigest(database.db));
      expect(seen).toHaveLength(1);
      const refs = seen[0]!;
      expect(refs.communityId).toBe(zhonglou);
      expect(refs.otherCommunityId).toBe(dongyuan);
      expect(Object.keys(refs.products.admitted)).toHaveLength(11);
      const place = await queryRows<{ place: string }>(
        other.db,
        sql`select b.number || '-' || s.number || '-' || h.room as place from households h
            join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
            join buildings b on b.community_id = s.community_id and b.id = s.building_id
            where h.id in (${refs.households.demoResident}, ${refs.households.careNoSmartphone}) order by 1`,
      );
      expect(place.map((p) => p.place)).toEqual(['3-2-101', '3-2-201']);
      // The next extra still runs and the caller hears about a failing one.
      const ran: string[] = [];
      const third = await createTestDatabase();
      try {
        await expect(
          seedDemoIfEmpty(third, [
            async () => {
              throw new Error('boom');
            },
            async () => {
              ran.push('second');
            },
          ]),
        ).rejects.toThrow(/1 demo extra seed/);
        expect(ran).toEqual(['second']);
      } finally {
        await third.close();
      }
    } finally {
      await other.close();
    }
  });
});
