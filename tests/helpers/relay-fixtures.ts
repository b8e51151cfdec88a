/**
 * Relay test data written straight into the tables (no relay services needed): merchants with
 * products, relays in any state, paid / cancelled / short orders, refunds and recorded shortfalls.
 * Each builder returns what it created.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  careProfiles,
  memberships,
  merchantMembers,
  merchants,
  orderLines,
  orders,
  products,
  relayItems,
  relays,
  users,
} from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { makeUser, nextPhone, type TestCommunity } from './fixtures';

export type TestMerchant = { id: string; owner: SessionUser; staff: SessionUser };

export async function makeMerchant(db: Db, opts: { name?: string } = {}): Promise<TestMerchant> {
  const owner = await makeUser(db, { name: '陈老板' });
  const staff = await makeUser(db, { name: '刘店员' });
  const name = opts.name ?? '朱泾放心超市';
  const [m] = await db
    .insert(merchants)
    .values({ legalName: `${name}有限公司`, displayName: name, kind: 'supermarket', createdBy: owner.id })
    .returning();
  await db.insert(merchantMembers).values([
    { merchantId: m!.id, userId: owner.id, role: 'owner' },
    { merchantId: m!.id, userId: staff.id, role: 'staff' },
  ]);
  return { id: m!.id, owner, staff };
}

export type ItemSpec = { name: string; spec?: string; unit: string; priceFen: number };
export type TestItem = {
  id: string;
  productId: string;
  name: string;
  spec: string;
  unit: string;
  unitPriceFen: number;
};
export type TestRelay = {
  id: string;
  communityId: string;
  merchantId: string;
  items: TestItem[];
  nextSeq: number;
};

export const DEFAULT_ITEMS: ItemSpec[] = [
  { name: '东北大米', spec: '5kg/袋', unit: '袋', priceFen: 3990 },
  { name: '土鸡蛋', spec: '30枚/盒', unit: '盒', priceFen: 4500 },
  { name: '蔬菜套餐', spec: '约4kg', unit: '份', priceFen: 6800 },
];

type RelayStatus = (typeof relays.$inferInsert)['status'];

export async function makeRelay(
  db: Db,
  c: { id: string },
  m: TestMerchant,
  opts: { status?: RelayStatus; deliveryDate?: string; title?: string; items?: ItemSpec[] } = {},
): Promise<TestRelay> {
  const opensAt = new Date('2022-04-10T00:00:00Z');
  const [r] = await db
    .insert(relays)
    .values({
      communityId: c.id,
      merchantId: m.id,
      leaderUserId: m.owner.id,
      title: opts.title ?? '保供套餐第1期',
      status: opts.status ?? 'formed',
      opensAt,
      closesAt: new Date(opensAt.getTime() + 86_400_000),
      deliveryDate: opts.deliveryDate ?? '2022-04-12',
    })
    .returning();
  const items: TestItem[] = [];
  const specs = opts.items ?? DEFAULT_ITEMS;
  for (const [i, spec] of specs.entries()) {
    const [p] = await db
      .insert(products)
      .values({
        merchantId: m.id,
        name: spec.name,
        spec: spec.spec ?? '',
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
        spec: spec.spec ?? '',
        unit: spec.unit,
        unitPriceFen: spec.priceFen,
        position: i,
      })
      .returning();
    items.push({
      id: it!.id,
      productId: p!.id,
      name: spec.name,
      spec: spec.spec ?? '',
      unit: spec.unit,
      unitPriceFen: spec.priceFen,
    });
  }
  return { id: r!.id, communityId: c.id, merchantId: m.id, items, nextSeq: 1 };
}

export type OrderSpec = {
  householdId: string;
  placedBy: string;
  lines: { item: number; qty: number }[];
  status?: (typeof orders.$inferInsert)['status'];
  onBehalf?: boolean;
  note?: string;
};
export type TestOrder = { id: string; seq: number; householdId: string; lineIds: string[]; status: string };

/** Inserts orders in bulk (chunks of 500) with their lines; sequence numbers continue the relay's. */
export async function addOrders(db: Db, relay: TestRelay, specs: OrderSpec[]): Promise<TestOrder[]> {
  const out: TestOrder[] = [];
  for (let i = 0; i < specs.length; i += 500) {
    const chunk = specs.slice(i, i + 500);
    const rows = chunk.map((s) => {
      const seq = relay.nextSeq++;
      const total = s.lines.reduce((t, l) => t + l.qty * relay.items[l.item]!.unitPriceFen, 0);
      const status = s.status ?? 'paid';
      return {
        communityId: relay.communityId,
        relayId: relay.id,
        seq,
        householdId: s.householdId,
        placedBy: s.placedBy,
        onBehalf: s.onBehalf ?? false,
        status,
        totalFen: total,
        idempotencyKey: `fixture-${relay.id}-${seq}`,
        paidAt:
          status === 'pending_payment' || status === 'expired' ? null : new Date('2022-04-10T08:00:00Z'),
        cancelledAt: status === 'cancelled' ? new Date('2022-04-10T09:00:00Z') : null,
        note: s.note ?? '',
      };
    });
    const inserted = await db
      .insert(orders)
      .values(rows)
      .returning({ id: orders.id, seq: orders.seq, status: orders.status });
    const lineRows = inserted.flatMap((o, k) =>
      chunk[k]!.lines.map((l) => ({
        communityId: relay.communityId,
        orderId: o.id,
        relayItemId: relay.items[l.item]!.id,
        qty: l.qty,
        unitPriceFen: relay.items[l.item]!.unitPriceFen,
      })),
    );
    const lines = lineRows.length
      ? await db
          .insert(orderLines)
          .values(lineRows)
          .returning({ id: orderLines.id, orderId: orderLines.orderId })
      : [];
    for (const [k, o] of inserted.entries()) {
      out.push({
        id: o.id,
        seq: o.seq,
        status: o.status,
        householdId: chunk[k]!.householdId,
        lineIds: lines.filter((l) => l.orderId === o.id).map((l) => l.id),
      });
    }
  }
  await db
    .update(relays)
    .set({ nextSeq: relay.nextSeq })
    .where(and(eq(relays.communityId, relay.communityId), eq(relays.id, relay.id)));
  return out;
}

/** A resident (with a phone) for every household of the compound, as the demo has. */
export async function addResidents(
  db: Db,
  c: TestCommunity,
  names = ['张桂英', '李建华', '王秀兰', '欧阳明', '赵国庆', '陈美玲'],
) {
  const byHousehold = new Map<string, SessionUser>();
  for (let i = 0; i < c.households.length; i += 500) {
    const chunk = c.households.slice(i, i + 500);
    const us = await db
      .insert(users)
      .values(chunk.map((_, k) => ({ name: names[(i + k) % names.length]!, phone: nextPhone() })))
      .returning();
    await db.insert(memberships).values(
      chunk.map((h, k) => ({
        communityId: c.id,
        userId: us[k]!.id,
        role: 'resident' as const,
        householdId: h.id,
      })),
    );
    for (const [k, h] of chunk.entries())
      byHousehold.set(h.id, { id: us[k]!.id, phone: us[k]!.phone, name: us[k]!.name });
  }
  return byHousehold;
}

export async function markCare(db: Db, communityId: string, householdId: string, doorDelivery = true) {
  await db
    .insert(careProfiles)
    .values({ communityId, householdId, categories: ['elderly_alone'], doorDelivery });
}

/** A recorded shortfall: `fulfilledQty` of the line was delivered, the rest refunded. */
export async function recordShortfall(db: Db, communityId: string, lineId: string, fulfilledQty: number) {
  await db
    .update(orderLines)
    .set({
      fulfilledQty,
      refundedFen: sql`(${orderLines.qty} - ${fulfilledQty}) * ${orderLines.unitPriceFen}`,
    })
    .where(and(eq(orderLines.communityId, communityId), eq(orderLines.id, lineId)));
  await db.execute(sql`
    update orders set status = 'short' where community_id = ${communityId}::uuid
      and id = (select order_id from order_lines where community_id = ${communityId}::uuid and id = ${lineId}::uuid)`);
}

export async function cancelOrder(db: Db, communityId: string, orderId: string) {
  await db
    .update(orders)
    .set({ status: 'cancelled', cancelledAt: new Date() })
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
}

export async function refundLine(db: Db, communityId: string, lineId: string, refundedFen: number) {
  await db
    .update(orderLines)
    .set({ refundedFen })
    .where(and(eq(orderLines.communityId, communityId), eq(orderLines.id, lineId)));
}

export async function setRelayStatus(db: Db, relay: TestRelay, status: RelayStatus) {
  await db
    .update(relays)
    .set({ status })
    .where(and(eq(relays.communityId, relay.communityId), eq(relays.id, relay.id)));
}

/**
 * A formed relay where `orders` households (spread over all stairwells, in roster order) each
 * bought 1-3 lines, paid. Returns the relay, its orders and the residents by household.
 */
export async function makeFormedRelay(
  db: Db,
  c: TestCommunity,
  opts: {
    orders?: number;
    merchant?: TestMerchant;
    residents?: Map<string, SessionUser>;
    lines?: number;
  } = {},
) {
  const merchant = opts.merchant ?? (await makeMerchant(db));
  const residents = opts.residents ?? (await addResidents(db, c));
  const relay = await makeRelay(db, c, merchant);
  const n = Math.min(opts.orders ?? c.households.length, c.households.length);
  // Join order differs from route order on purpose: the bag list must be re-sorted by the route.
  const hs = [...c.households].slice(0, n).reverse();
  const nLines = opts.lines ?? 3;
  const placed = await addOrders(
    db,
    relay,
    hs.map((h, i) => ({
      householdId: h.id,
      placedBy: residents.get(h.id)!.id,
      lines: Array.from({ length: Math.max(1, (i % nLines) + 1) }, (_, k) => ({
        item: k % relay.items.length,
        qty: (i % 2) + 1,
      })),
    })),
  );
  return { merchant, relay, orders: placed, residents };
}
