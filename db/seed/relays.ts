/**
 * Demo relays of the admitted supermarket in 钟楼新村:
 * - an OPEN relay (保供蔬菜套餐), closing in two days, with a few households already in the chain;
 * - an UPCOMING one that opens tomorrow morning;
 * - a FORMED relay delivering today, with paid orders from ~300 households across the compound
 *   (care households among them ordered for by a volunteer, marked for the door) — what the
 *   pick-list and distribution pages work on at scale. Stairwell 3-2, where the demo accounts
 *   live, is left out (the distribution demo relay covers it, and the journeys join there).
 * Paid demo orders are card payments whose PaymentIntent is made afterwards, in the Stripe mock,
 * by `linkDemoPayments` (db/seed/demo-payments.ts, run by `npm start` once the mock is up): the
 * demo pays — and refunds — like production. Also signs up the second demo resident (3-2-202), for the
 * two-phone relay journey.
 */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '@/db/client';
import {
  householdItemTotals,
  memberships,
  orderLines,
  orders,
  payments,
  relayItems,
  relays,
  users,
} from '@/db/schema';
import { DEMO_ACCOUNTS } from './demo-accounts';
import type { DemoRefs } from './extras';
import type { ProductKey } from './merchants';
import { ADMITTED_CATALOG } from './merchants';
import { demoId } from './random';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

const DAY = 86_400_000;

type ItemPlan = { key: ProductKey; stockCap: number | null; limit: number | null };

async function insertRelay(
  tx: Tx,
  demo: DemoRefs,
  name: string,
  r: Omit<typeof relays.$inferInsert, 'id' | 'communityId' | 'merchantId' | 'leaderUserId'>,
  items: ItemPlan[],
) {
  const relayId = demoId(`relay:${name}`);
  await tx.insert(relays).values({
    ...r,
    id: relayId,
    communityId: demo.communityId,
    merchantId: demo.merchants.admitted,
    leaderUserId: demo.users.merchant,
  });
  const rows = items.map((it, position) => {
    const p = ADMITTED_CATALOG[it.key];
    return {
      id: demoId(`relay:${name}:item:${it.key}`),
      communityId: demo.communityId,
      relayId,
      productId: demo.products.admitted[it.key],
      name: p.name,
      spec: p.spec,
      unit: p.unit,
      unitPriceFen: p.priceFen,
      stockCap: it.stockCap,
      perHouseholdLimit: it.limit,
      position,
    };
  });
  await tx.insert(relayItems).values(rows);
  return { relayId, items: rows };
}

type Placed = {
  householdId: string;
  placedBy: string;
  onBehalf?: boolean;
  doorDelivery?: boolean;
  lines: { item: number; qty: number }[];
};

/** Paid orders with their lines, payments and household totals; stock taken to match. */
async function insertPaidOrders(
  tx: Tx,
  demo: DemoRefs,
  name: string,
  relay: Awaited<ReturnType<typeof insertRelay>>,
  placed: Placed[],
  paidAt: Date,
) {
  const sold = new Map<string, number>();
  const totals = new Map<string, { relayItemId: string; householdId: string; qty: number }>();
  const orderRows: (typeof orders.$inferInsert)[] = [];
  const lineRows: (typeof orderLines.$inferInsert)[] = [];
  const payRows: (typeof payments.$inferInsert)[] = [];
  placed.forEach((p, i) => {
    const orderId = demoId(`order:${name}:${i}`);
    let total = 0;
    for (const l of p.lines) {
      const it = relay.items[l.item]!;
      total += l.qty * it.unitPriceFen;
      sold.set(it.id, (sold.get(it.id) ?? 0) + l.qty);
      if (it.perHouseholdLimit !== null) {
        const k = `${it.id}:${p.householdId}`;
        const cur = totals.get(k) ?? { relayItemId: it.id, householdId: p.householdId, qty: 0 };
        cur.qty += l.qty;
        totals.set(k, cur);
      }
      lineRows.push({
        id: demoId(`order:${name}:${i}:line:${l.item}`),
        communityId: demo.communityId,
        orderId,
        relayItemId: it.id,
        qty: l.qty,
        unitPriceFen: it.unitPriceFen,
      });
    }
    orderRows.push({
      id: orderId,
      communityId: demo.communityId,
      relayId: relay.relayId,
      seq: i + 1,
      householdId: p.householdId,
      placedBy: p.placedBy,
      onBehalf: p.onBehalf ?? false,
      doorDelivery: p.doorDelivery ?? false,
      status: 'paid',
      totalFen: total,
      idempotencyKey: `demo:${name}:${i}`,
      paidAt: new Date(paidAt.getTime() + i * 7_000),
      chainVersion: i + 1,
    });
    payRows.push({
      id: demoId(`payment:${name}:${i}`),
      communityId: demo.communityId,
      orderId,
      stripePaymentIntentId: null,
      method: 'card',
      amountFen: total,
      currency: 'cny',
      status: 'succeeded',
      succeededAt: new Date(paidAt.getTime() + i * 7_000),
    });
  });
  for (let i = 0; i < orderRows.length; i += 500) {
    await tx.insert(orders).values(orderRows.slice(i, i + 500));
    await tx.insert(payments).values(payRows.slice(i, i + 500));
  }
  for (let i = 0; i < lineRows.length; i += 1000)
    await tx.insert(orderLines).values(lineRows.slice(i, i + 1000));
  const totalRows = [...totals.values()].map((t) => ({ communityId: demo.communityId, ...t }));
  for (let i = 0; i < totalRows.length; i += 1000)
    await tx.insert(householdItemTotals).values(totalRows.slice(i, i + 1000));
  for (const [itemId, n] of sold) {
    await tx
      .update(relayItems)
      .set({ sold: n })
      .where(and(eq(relayItems.communityId, demo.communityId), eq(relayItems.id, itemId)));
  }
  await tx
    .update(relays)
    .set({ nextSeq: placed.length + 1, chainVersion: placed.length + 1 })
    .where(and(eq(relays.communityId, demo.communityId), eq(relays.id, relay.relayId)));
}

export async function seedDemoRelays(database: Database, demo: DemoRefs): Promise<void> {
  const now = new Date();
  await inTransaction(database.db, async (tx) => {
    // The second demo resident (two phones in one relay): lives in 3-2-202, next door to 3-2-201.
    const r2 = DEMO_ACCOUNTS.resident2;
    const [h202] = await queryRows<{ id: string }>(
      tx,
      sql`select h.id from households h join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
           where h.community_id = ${demo.communityId}::uuid and s.id = ${demo.stairwells.s3_2}::uuid and h.room = '202'`,
    );
    const resident2 = demoId('user:demo:resident2');
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.phone, r2.phone));
    const resident2Id = taken?.id ?? resident2;
    if (!taken)
      await tx.insert(users).values({ id: resident2, name: r2.name, phone: r2.phone, birthYear: 1978 });
    if (h202) {
      await tx
        .insert(memberships)
        .values({
          id: demoId('membership:demo:resident2'),
          communityId: demo.communityId,
          userId: resident2Id,
          role: 'resident',
          householdId: h202.id,
        })
        .onConflictDoNothing();
    }

    // Households with a registered resident, in route order: who joins the demo relays.
    const people = await queryRows<{ household_id: string; user_id: string }>(
      tx,
      sql`select distinct on (h.id) h.id as household_id, m.user_id
            from households h
            join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
            join buildings b on b.community_id = s.community_id and b.id = s.building_id
            join memberships m on m.community_id = h.community_id and m.household_id = h.id and m.role = 'resident'
           where h.community_id = ${demo.communityId}::uuid
           order by h.id, m.created_at, m.id`,
    );
    const byHousehold = new Map(people.map((p) => [p.household_id, p.user_id]));
    // Stairwell 3-2 (the demo accounts' own) is left to the journeys and to the distribution
    // demo relay, so the demo resident's bag list stays about that one relay.
    const routeOrder = await queryRows<{ id: string }>(
      tx,
      sql`select h.id from households h
            join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
            join buildings b on b.community_id = s.community_id and b.id = s.building_id
           where h.community_id = ${demo.communityId}::uuid and s.id <> ${demo.stairwells.s3_2}::uuid
           order by b.route_order, s.route_order, h.floor, h.room`,
    );
    const joiners = routeOrder.map((r) => r.id).filter((id) => byHousehold.has(id));

    // ── FORMED: delivering today ──
    const formed = await insertRelay(
      tx,
      demo,
      'formed-1',
      {
        title: '保供套餐第1期',
        description: '大米、鸡蛋、蔬菜套餐，今日送达小区门口，消杀后由志愿者送到各楼道。',
        status: 'formed',
        opensAt: new Date(now.getTime() - 2 * DAY),
        closesAt: new Date(now.getTime() - DAY),
        openedAt: new Date(now.getTime() - 2 * DAY),
        closedAt: new Date(now.getTime() - DAY),
        closeReason: 'cutoff',
        decidedAt: new Date(now.getTime() - DAY + 20 * 60_000),
        deliveryDate: localDate(now),
        thresholdKind: 'households',
        thresholdValue: 200,
      },
      [
        { key: 'rice', stockCap: 400, limit: 2 },
        { key: 'eggs', stockCap: 400, limit: 2 },
        { key: 'vegBox', stockCap: 350, limit: 1 },
        { key: 'milk', stockCap: null, limit: 2 },
      ],
    );
    // Care households among them were ordered for by a volunteer and go to the door.
    const care = new Set(
      (
        await queryRows<{ household_id: string }>(
          tx,
          sql`select household_id from care_profiles where community_id = ${demo.communityId}::uuid and door_delivery`,
        )
      ).map((r) => r.household_id),
    );
    const formedOrders: Placed[] = [];
    // ~300 households spread over the whole compound (every fifth in route order).
    joiners
      .filter((_, i) => i % 5 === 0)
      .slice(0, 300)
      .forEach((householdId, i) => {
        const lines = [{ item: 2, qty: 1 }];
        if (i % 2 === 0) lines.push({ item: 0, qty: 1 + (i % 3 === 0 ? 1 : 0) });
        if (i % 3 === 1) lines.push({ item: 1, qty: 1 });
        if (i % 7 === 3) lines.push({ item: 3, qty: 1 });
        const door = care.has(householdId);
        formedOrders.push({
          householdId,
          placedBy: door ? demo.users.volunteer : byHousehold.get(householdId)!,
          onBehalf: door,
          doorDelivery: door,
          lines,
        });
      });
    await insertPaidOrders(
      tx,
      demo,
      'formed-1',
      formed,
      formedOrders,
      new Date(now.getTime() - 2 * DAY + 10 * 60_000),
    );

    // ── OPEN: closes in two days ──
    const open = await insertRelay(
      tx,
      demo,
      'open-2',
      {
        title: '保供蔬菜套餐第2期',
        description: '8种时令蔬菜约5kg，另有鸡蛋、大米。满30户成团，截单后第二天送达。',
        status: 'open',
        opensAt: new Date(now.getTime() - 30 * 60_000),
        openedAt: new Date(now.getTime() - 30 * 60_000),
        closesAt: new Date(now.getTime() + 2 * DAY),
        deliveryDate: localDate(new Date(now.getTime() + 3 * DAY)),
        thresholdKind: 'households',
        thresholdValue: 30,
      },
      [
        { key: 'vegBox', stockCap: 200, limit: 2 },
        { key: 'eggs', stockCap: 300, limit: 2 },
        { key: 'rice', stockCap: null, limit: 3 },
        { key: 'greens', stockCap: 150, limit: null },
      ],
    );
    const openOrders: Placed[] = joiners
      .filter((_, i) => i % 97 === 11)
      .slice(0, 12)
      .map((householdId, i) => ({
        householdId,
        placedBy: byHousehold.get(householdId)!,
        lines:
          i % 2 === 0
            ? [
                { item: 0, qty: 1 },
                { item: 1, qty: 1 },
              ]
            : [{ item: 0, qty: 1 }],
      }));
    await insertPaidOrders(tx, demo, 'open-2', open, openOrders, new Date(now.getTime() - 25 * 60_000));

    // ── UPCOMING: opens tomorrow morning ──
    const tomorrow9 = new Date(`${localDate(new Date(now.getTime() + DAY))}T09:00:00+08:00`);
    await insertRelay(
      tx,
      demo,
      'upcoming-3',
      {
        title: '粮油补给第3期',
        description: '大豆油、挂面、方便面。明早9点开团。',
        status: 'draft',
        opensAt: tomorrow9,
        closesAt: new Date(tomorrow9.getTime() + 10 * 3_600_000),
        deliveryDate: localDate(new Date(tomorrow9.getTime() + 2 * DAY)),
        thresholdKind: 'units',
        thresholdValue: 100,
      },
      [
        { key: 'oil', stockCap: 120, limit: 1 },
        { key: 'driedNoodles', stockCap: null, limit: 4 },
        { key: 'instantNoodles', stockCap: 300, limit: 3 },
      ],
    );
  });
}
