/**
 * A compound with an admitted merchant, residents in every household and relays made through the
 * real relay services — the world the relay and payment tests run in.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { admissions, careProfiles, merchants, products } from '@/db/schema';
import { createRelay, type CreateRelayInput } from '@/server/services/relay/create-relay';
import type { SessionUser } from '@/server/services/shared/context';
import { serviceCtx } from './context';
import { makeCommunity, makeRoleUsers, type TestCommunity } from './fixtures';
import { addResidents, makeMerchant, type TestMerchant } from './relay-fixtures';

export type RelayWorld = {
  database: Database;
  community: TestCommunity;
  roles: Awaited<ReturnType<typeof makeRoleUsers>>;
  merchant: TestMerchant;
  /** The resident of every household (household id → user). */
  residents: Map<string, SessionUser>;
  products: { rice: string; eggs: string; veg: string };
  /** The clock every service call in the test uses (tests move it). */
  clock: { now: Date };
  ctx: (user: SessionUser | null) => ReturnType<typeof serviceCtx>;
};

export async function makeRelayWorld(
  database: Database,
  opts: {
    buildings?: number;
    stairwellsPerBuilding?: number;
    householdsPerStairwell?: number;
    start?: Date;
  } = {},
): Promise<RelayWorld> {
  const db = database.db;
  const community = await makeCommunity(db, {
    buildings: opts.buildings ?? 2,
    stairwellsPerBuilding: opts.stairwellsPerBuilding ?? 2,
    householdsPerStairwell: opts.householdsPerStairwell ?? 4,
  });
  const roles = await makeRoleUsers(db, community);
  // makeRoleUsers made a resident for household 0; give every other household its own.
  const others = { ...community, households: community.households.slice(1) };
  const residents = await addResidents(db, others);
  residents.set(community.households[0]!.id, roles.resident);
  const merchant = await makeMerchant(db);
  await db.insert(admissions).values({
    communityId: community.id,
    merchantId: merchant.id,
    status: 'approved',
    decidedAt: new Date(),
  });
  const made = await db
    .insert(products)
    .values([
      { merchantId: merchant.id, name: '东北大米', spec: '5kg/袋', unit: '袋', priceFen: 3990 },
      { merchantId: merchant.id, name: '鸡蛋', spec: '30枚/盒', unit: '盒', priceFen: 4500 },
      { merchantId: merchant.id, name: '蔬菜套餐', spec: '约4kg', unit: '份', priceFen: 6800 },
    ])
    .returning({ id: products.id });
  const clock = { now: opts.start ?? new Date() };
  return {
    database,
    community,
    roles,
    merchant,
    residents,
    products: { rice: made[0]!.id, eggs: made[1]!.id, veg: made[2]!.id },
    clock,
    ctx: (user) => serviceCtx(database, user, () => clock.now),
  };
}

export type RelayItemOpts = {
  product: 'rice' | 'eggs' | 'veg';
  stockCap?: number | null;
  perHouseholdLimit?: number | null;
};

/** A relay opened now (unless `draft`), closing in an hour, through createRelay. */
export async function openTestRelay(
  w: RelayWorld,
  opts: {
    items?: RelayItemOpts[];
    threshold?: CreateRelayInput['threshold'];
    draft?: boolean;
    closesInMinutes?: number;
    title?: string;
    cashOnDelivery?: boolean;
  } = {},
) {
  const now = w.clock.now;
  const items = opts.items ?? [{ product: 'rice' }, { product: 'eggs' }];
  const closesAt = new Date(now.getTime() + (opts.closesInMinutes ?? 60) * 60_000);
  const res = await createRelay({
    ctx: w.ctx(w.merchant.owner),
    input: {
      merchantId: w.merchant.id,
      communityId: w.community.id,
      title: opts.title ?? '保供套餐第1期',
      items: items.map((i) => ({
        productId: w.products[i.product],
        stockCap: i.stockCap ?? null,
        perHouseholdLimit: i.perHouseholdLimit ?? null,
      })),
      threshold: opts.threshold ?? { kind: 'none', value: 0 },
      opensAt: opts.draft ? new Date(now.getTime() + 10 * 60_000) : now,
      closesAt,
      deliveryDate: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
        new Date(closesAt.getTime() + 86_400_000),
      ),
      openNow: !opts.draft,
      cashOnDelivery: opts.cashOnDelivery,
    },
  });
  return res.relayId;
}

export async function expireMerchantPermit(w: RelayWorld) {
  await w.database.db
    .update(merchants)
    .set({ foodPermitExpiresOn: '2020-01-01' })
    .where(eq(merchants.id, w.merchant.id));
}

export async function markCareHousehold(w: RelayWorld, householdId: string) {
  await w.database.db
    .insert(careProfiles)
    .values({
      communityId: w.community.id,
      householdId,
      categories: ['elderly_alone', 'no_smartphone'],
      doorDelivery: true,
    })
    .onConflictDoNothing();
}

export async function admissionStatus(w: RelayWorld) {
  const [a] = await w.database.db
    .select({ status: admissions.status })
    .from(admissions)
    .where(and(eq(admissions.communityId, w.community.id), eq(admissions.merchantId, w.merchant.id)));
  return a?.status;
}

let keyCounter = 0;
/** A fresh idempotency key, as a phone makes one per form submission. */
export function newKey(prefix = 'k'): string {
  keyCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${keyCounter}-${Math.random().toString(36).slice(2, 8)}`;
}
