import { performance } from 'node:perf_hooks';
import { count, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database, Tx } from '@/db/client';
import {
  admissions,
  buildings,
  careProfiles,
  communities,
  households,
  memberships,
  merchantMembers,
  merchants,
  notifications,
  products,
  stairwellAssignments,
  stairwells,
  users,
} from '@/db/schema';
import { DONGYUAN, ZHONGLOU, planCompound, type CompoundPlan } from './compound';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { EXTRA_SEEDS, type DemoRefs, type ExtraSeed } from './extras';
import { planMerchants, type MerchantPlan } from './merchants';
import { PhoneBook } from './names';
import { Prng, demoId } from './random';
import { inTransaction } from '@/server/services/shared/tx';

export type { DemoRefs } from './extras';

/** Serializes concurrent seeders (two app instances starting on one empty PostgreSQL database). */
const SEED_LOCK = 727002;

export type DemoPlan = { compounds: CompoundPlan[]; merchants: MerchantPlan; refs: DemoRefs };

/**
 * The whole demo in memory. `existing` maps a demo phone to the id of a user that already has it
 * (someone signed in before the demo was loaded), so that person becomes the demo account.
 */
export function planDemo(existing: ReadonlyMap<string, string> = new Map()): DemoPlan {
  const demoUser = (role: keyof typeof DEMO_ACCOUNTS) => {
    const a = DEMO_ACCOUNTS[role];
    return { id: existing.get(a.phone) ?? demoId(`user:demo:${role}`), name: a.name, phone: a.phone };
  };
  const owner = demoUser('owner');
  const admin = demoUser('admin');
  const volunteer = demoUser('volunteer');
  const resident = demoUser('resident');
  const merchant = demoUser('merchant');
  const phones = new PhoneBook(
    new Prng('linli-demo:phones'),
    Object.values(DEMO_ACCOUNTS).map((a) => a.phone),
  );

  const zhonglou = planCompound(ZHONGLOU, new Prng('linli-demo:zhonglou'), phones, {
    fixed: {
      '3-2-201': {
        kind: 'elderlyCouple',
        people: [{ userId: resident.id, name: resident.name, phone: resident.phone, birthYear: 1956 }],
      },
      '3-2-502': {
        kind: 'couple',
        people: [{ userId: volunteer.id, name: volunteer.name, phone: volunteer.phone, birthYear: 1976 }],
      },
      '3-2-101': { kind: 'elderlyAlone', people: [] },
    },
    careFixed: {
      '3-2-101': {
        categories: ['elderly_alone', 'no_smartphone'],
        notes: '独居，无智能手机，由楼组长王建国代为接龙下单。行动较慢，敲门后请稍等；物资请送到门口。',
      },
    },
    leaders: { '3-2': volunteer.id },
    volunteers: { '3-1': volunteer.id },
    coordinators: { owner, admins: [admin] },
  });
  const dongyuan = planCompound(DONGYUAN, new Prng('linli-demo:dongyuan'), phones);
  const m = planMerchants({
    communityId: zhonglou.communityId,
    decidedBy: zhonglou.coordinatorIds.owner,
    demoMerchant: merchant,
    phone: () => phones.next(),
  });

  const household = (key: string) => zhonglou.householdIds.get(key)!;
  const refs: DemoRefs = {
    communityId: zhonglou.communityId,
    otherCommunityId: dongyuan.communityId,
    users: {
      owner: owner.id,
      admin: admin.id,
      volunteer: volunteer.id,
      resident: resident.id,
      merchant: merchant.id,
      merchantStaff: m.staffUserId,
      otherOwner: dongyuan.coordinatorIds.owner,
    },
    stairwells: { s3_2: zhonglou.stairwellIds.get('3-2')!, s3_1: zhonglou.stairwellIds.get('3-1')! },
    households: {
      demoResident: household('3-2-201'),
      demoVolunteer: household('3-2-502'),
      careNoSmartphone: household('3-2-101'),
    },
    merchants: m.ids,
    products: m.productIds,
  };
  return { compounds: [zhonglou, dongyuan], merchants: m, refs };
}

async function insertChunked<T extends PgTable>(tx: Tx, table: T, rows: readonly object[], size = 1000) {
  for (let i = 0; i < rows.length; i += size) {
    await tx.insert(table).values(rows.slice(i, i + size) as never);
  }
}

/**
 * Loads the demo compound (钟楼新村) and its neighbour when the database has no community yet, in one
 * transaction, then runs the EXTRA_SEEDS of other domains. Returns a one-line summary of what was
 * created, or null when there was data already (so running it twice is a no-op).
 */
export async function seedDemoIfEmpty(
  database: Database,
  extras: readonly ExtraSeed[] = EXTRA_SEEDS,
): Promise<string | null> {
  const started = performance.now();
  const plan = await inTransaction(database.db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const [{ n }] = (await tx.select({ n: count() }).from(communities)) as [{ n: number }];
    if (Number(n) > 0) return null;

    const demoPhones = Object.values(DEMO_ACCOUNTS).map((a) => a.phone);
    const existing = await tx
      .select({ id: users.id, phone: users.phone })
      .from(users)
      .where(inArray(users.phone, demoPhones));
    const plan = planDemo(new Map(existing.map((u) => [u.phone!, u.id])));
    const taken = new Set(existing.map((u) => u.id));
    const newUsers = [...plan.compounds.flatMap((c) => c.users), ...plan.merchants.users].filter(
      (u) => !taken.has(u.id!),
    );

    await insertChunked(
      tx,
      communities,
      plan.compounds.map((c) => c.community),
    );
    await insertChunked(tx, users, newUsers);
    for (const c of plan.compounds) {
      await insertChunked(tx, buildings, c.buildings);
      await insertChunked(tx, stairwells, c.stairwells);
      await insertChunked(tx, households, c.households);
      await insertChunked(tx, memberships, c.memberships);
      await insertChunked(tx, stairwellAssignments, c.assignments);
      await insertChunked(tx, careProfiles, c.care);
    }
    const m = plan.merchants;
    await insertChunked(tx, merchants, m.merchants);
    await insertChunked(tx, merchantMembers, m.members);
    await insertChunked(tx, products, m.products);
    await insertChunked(tx, admissions, m.admissions);
    const communityName = plan.compounds[0]!.community.name;
    await insertChunked(
      tx,
      notifications,
      Object.entries(plan.refs.users)
        .filter(([role]) => role in DEMO_ACCOUNTS)
        .map(([role, userId]) => ({
          id: demoId(`notification:welcome:${role}`),
          communityId: plan.refs.communityId,
          userId,
          kind: 'platform.welcome',
          payload: { community: communityName },
        })),
    );
    return plan;
  });
  if (!plan) return null;
  const seededMs = performance.now() - started;

  const extrasStarted = performance.now();
  const failures: unknown[] = [];
  for (const extra of extras) {
    try {
      await extra(database, plan.refs);
    } catch (e) {
      console.error(`[linli] demo extra seed ${extra.name || '(anonymous)'} failed`, e);
      failures.push(e);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} demo extra seed(s) failed`);
  const extrasMs = performance.now() - extrasStarted;
  // Thousands of rows just arrived and autovacuum may be off: plan the first pick list with real
  // statistics, not for one row (issue 12).
  await database.db.execute(sql`analyze`);

  const [z, d] = plan.compounds as [CompoundPlan, CompoundPlan];
  const fmt = (x: number) => x.toLocaleString('en-US');
  return (
    `${z.community.name}: ${z.stairwells.length} stairwells, ${fmt(z.households.length)} households, ` +
    `${fmt(z.stats.residents)} residents (${z.stats.elderly} aged 60+), ${z.stats.volunteers} volunteers, ` +
    `${z.care.length} care households; ${d.community.name}: ${d.stairwells.length} stairwells, ${d.households.length} households; ` +
    `3 merchants (admitted, awaiting review, permit expired), ${plan.merchants.products.length} products; ` +
    `${extras.length} extra seed(s); ${Math.round(seededMs)} ms (+${Math.round(extrasMs)} ms extras) on ${database.driver}`
  );
}
