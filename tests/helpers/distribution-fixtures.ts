/**
 * Distribution test data written straight into the tables: a formed relay of a merchant with
 * items, and paid orders (with succeeded payments) from households across stairwells. When a test
 * Stripe is given, each payment is a real PaymentIntent in the mock, so refunds go through it.
 */
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import {
  memberships,
  merchantMembers,
  merchants,
  orderLines,
  orders,
  payments,
  products,
  relayItems,
  relays,
  stairwellAssignments,
  users,
} from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { addMember, makeCommunity, makeRoleUsers, makeUser, nextPhone, type TestCommunity } from './fixtures';

export type DistMerchant = { id: string; owner: SessionUser; staff: SessionUser };

export async function makeDistMerchant(db: Db, name = '朱泾放心超市'): Promise<DistMerchant> {
  const owner = await makeUser(db, { name: '陈老板' });
  const staff = await makeUser(db, { name: '刘店员' });
  const [m] = await db
    .insert(merchants)
    .values({
      legalName: `${name}有限公司`,
      displayName: name,
      kind: 'supermarket',
      createdBy: owner.id,
      vehiclePlate: '沪A·12345',
      driverName: '李师傅',
      driverPhone: '+8613900000099',
    })
    .returning();
  await db.insert(merchantMembers).values([
    { merchantId: m!.id, userId: owner.id, role: 'owner' },
    { merchantId: m!.id, userId: staff.id, role: 'staff' },
  ]);
  return { id: m!.id, owner, staff };
}

export type DistItem = { id: string; name: string; unit: string; unitPriceFen: number };
export type DistOrder = {
  id: string;
  seq: number;
  householdId: string;
  stairwellId: string;
  totalFen: number;
  lines: { id: string; relayItemId: string; qty: number; unitPriceFen: number }[];
};
export type DistRelay = {
  id: string;
  communityId: string;
  merchantId: string;
  title: string;
  items: DistItem[];
  orders: DistOrder[];
};

export const DIST_ITEMS = [
  { name: '东北大米', spec: '5kg/袋', unit: '袋', priceFen: 3990 },
  { name: '土鸡蛋', spec: '30枚/盒', unit: '盒', priceFen: 4500 },
  { name: '蔬菜套餐', spec: '约4kg', unit: '份', priceFen: 6800 },
];

/**
 * A relay (default `formed`) with paid orders from the given households. `qty(i, item)` gives the
 * quantity of each item for the i-th order (0 = no line); by default 1 rice, 2 eggs for even
 * orders, 1 vegetable box.
 */
export async function makeRelayWithOrders(
  db: Db,
  c: TestCommunity,
  m: DistMerchant,
  householdIds: string[],
  opts: {
    status?: (typeof relays.$inferInsert)['status'];
    title?: string;
    qty?: (i: number, item: number) => number;
    stripe?: Stripe;
    placedBy?: string;
  } = {},
): Promise<DistRelay> {
  const opensAt = new Date('2022-04-10T00:00:00Z');
  const title = opts.title ?? '保供套餐第1期';
  const [r] = await db
    .insert(relays)
    .values({
      communityId: c.id,
      merchantId: m.id,
      leaderUserId: m.owner.id,
      title,
      status: opts.status ?? 'formed',
      opensAt,
      closesAt: new Date(opensAt.getTime() + 86_400_000),
      deliveryDate: '2022-04-12',
    })
    .returning();
  const items: DistItem[] = [];
  for (const [i, spec] of DIST_ITEMS.entries()) {
    const [p] = await db
      .insert(products)
      .values({
        merchantId: m.id,
        name: spec.name,
        spec: spec.spec,
        unit: spec.unit,
        priceFen: spec.priceFen,
      })
      .returning();
    const [it] = await db
      .insert(relayItems)
      .values({
        communityId: c.id,
        relayId: r!.id,
        productId: p!.id,
        name: spec.name,
        spec: spec.spec,
        unit: spec.unit,
        unitPriceFen: spec.priceFen,
        position: i,
      })
      .returning();
    items.push({ id: it!.id, name: spec.name, unit: spec.unit, unitPriceFen: spec.priceFen });
  }
  const qty = opts.qty ?? ((i: number, item: number) => (item === 1 ? (i % 2 === 0 ? 2 : 0) : 1));
  const placedBy = opts.placedBy ?? (await makeUser(db, { name: '下单人' })).id;
  const out: DistOrder[] = [];
  let seq = 0;
  for (const [i, householdId] of householdIds.entries()) {
    const lines = items.map((it, k) => ({ item: it, qty: qty(i, k) })).filter((l) => l.qty > 0);
    if (lines.length === 0) continue;
    seq += 1;
    const total = lines.reduce((n, l) => n + l.qty * l.item.unitPriceFen, 0);
    const [o] = await db
      .insert(orders)
      .values({
        communityId: c.id,
        relayId: r!.id,
        seq,
        householdId,
        placedBy,
        status: 'paid',
        totalFen: total,
        idempotencyKey: `dist-fixture-${r!.id}-${seq}`,
        paidAt: new Date('2022-04-10T08:00:00Z'),
      })
      .returning();
    const ls = await db
      .insert(orderLines)
      .values(
        lines.map((l) => ({
          communityId: c.id,
          orderId: o!.id,
          relayItemId: l.item.id,
          qty: l.qty,
          unitPriceFen: l.item.unitPriceFen,
        })),
      )
      .returning();
    let intentId = `pi_fixture_${o!.id.replaceAll('-', '')}`;
    if (opts.stripe) {
      const pi = await opts.stripe.paymentIntents.create({
        amount: total,
        currency: 'cny',
        payment_method: 'pm_card_visa',
        confirm: true,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: { community_id: c.id, order_id: o!.id },
      });
      intentId = pi.id;
    }
    // The mock's payment_intent.succeeded webhook may have arrived first and adopted the intent
    // (a payment row from Stripe's metadata, as after a lost insert): then this row is that one.
    await db
      .insert(payments)
      .values({
        communityId: c.id,
        orderId: o!.id,
        stripePaymentIntentId: intentId,
        amountFen: total,
        status: 'succeeded',
      })
      .onConflictDoUpdate({
        target: [payments.communityId, payments.stripePaymentIntentId],
        set: { orderId: o!.id, amountFen: total, status: 'succeeded' },
      });
    const h = c.households.find((x) => x.id === householdId)!;
    out.push({
      id: o!.id,
      seq,
      householdId,
      stairwellId: h.stairwellId,
      totalFen: total,
      lines: ls.map((l) => ({
        id: l.id,
        relayItemId: l.relayItemId,
        qty: l.qty,
        unitPriceFen: l.unitPriceFen,
      })),
    });
  }
  await db
    .update(relays)
    .set({ nextSeq: seq + 1 })
    .where(and(eq(relays.communityId, c.id), eq(relays.id, r!.id)));
  return { id: r!.id, communityId: c.id, merchantId: m.id, title, items, orders: out };
}

/** A resident member for a household (with a phone). */
export async function makeResident(db: Db, communityId: string, householdId: string, name = '张桂英') {
  const [u] = await db.insert(users).values({ name, phone: nextPhone() }).returning();
  await db.insert(memberships).values({ communityId, userId: u!.id, role: 'resident', householdId });
  return { id: u!.id, phone: u!.phone, name: u!.name } satisfies SessionUser;
}

/**
 * The whole scene: a compound (2 buildings × 2 stairwells × 4 households), the role users of
 * `makeRoleUsers` (volunteer = leader of stairwell 0, resident = household 0), a second volunteer
 * on stairwell 1, a merchant and a formed relay with one paid order from each of the households
 * of stairwells 0 and 1 (8 orders), and a second compound with its own volunteer.
 */
export async function makeDistributionScene(
  db: Db,
  opts: { stripe?: Stripe; qty?: (i: number, item: number) => number } = {},
) {
  const community = await makeCommunity(db, {
    buildings: 2,
    stairwellsPerBuilding: 2,
    householdsPerStairwell: 4,
  });
  const users = await makeRoleUsers(db, community);
  const volunteer2 = await makeUser(db, { name: '赵志愿' });
  await addMember(db, community.id, volunteer2, 'volunteer');
  await db.insert(stairwellAssignments).values({
    communityId: community.id,
    stairwellId: community.stairwells[1]!.id,
    userId: volunteer2.id,
    role: 'leader',
  });
  const merchant = await makeDistMerchant(db);
  const households = community.households.filter(
    (h) => h.stairwellId === community.stairwells[0]!.id || h.stairwellId === community.stairwells[1]!.id,
  );
  const relay = await makeRelayWithOrders(
    db,
    community,
    merchant,
    households.map((h) => h.id),
    {
      stripe: opts.stripe,
      qty: opts.qty,
    },
  );
  const other = await makeCommunity(db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
    name: '东苑新村',
  });
  const otherVolunteer = await makeUser(db, { name: '外小区志愿者' });
  await addMember(db, other.id, otherVolunteer, 'volunteer');
  await db.insert(stairwellAssignments).values({
    communityId: other.id,
    stairwellId: other.stairwells[0]!.id,
    userId: otherVolunteer.id,
    role: 'leader',
  });
  return { community, ...users, volunteer2, merchant, relay, other, otherVolunteer };
}

export type DistributionScene = Awaited<ReturnType<typeof makeDistributionScene>>;
