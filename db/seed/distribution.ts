/**
 * Demo data for the gate-to-door stretch: a FORMED relay of the admitted merchant in 钟楼新村 with a
 * paid order from every household of stairwell 3-2 (the demo volunteer leads it; the demo resident
 * lives in 3-2-201; 3-2-101 is a care household ordered for by the volunteer). The merchant can
 * dispatch it, the gate can receive it, and the volunteer can carry and check off its bags.
 *
 * Payments are recorded as succeeded with demo PaymentIntent ids (the demo's Stripe mock keeps no
 * state across restarts), so refunds of this relay are recorded but refused by Stripe in the demo.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import {
  households,
  memberships,
  orderLines,
  orders,
  payments,
  products,
  relayItems,
  relays,
} from '@/db/schema';
import type { DemoRefs } from './extras';
import { demoId } from './random';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

export const DISTRIBUTION_DEMO_RELAY_TITLE = '保供套餐 · 3号楼2单元';

/** Quantities per item, by position in the chain: varied so the bags differ. */
const QTY: [number, number, number][] = [
  [1, 1, 2],
  [2, 1, 1],
  [1, 2, 0],
  [1, 0, 3],
  [0, 1, 2],
];

export async function seedDistributionDemo(database: Database, demo: DemoRefs): Promise<void> {
  const communityId = demo.communityId;
  const relayId = demoId('relay:distribution-demo');
  const now = new Date();
  await inTransaction(database.db, async (tx) => {
    const [exists] = await tx
      .select({ id: relays.id })
      .from(relays)
      .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)));
    if (exists) return;
    const catalog = await tx
      .select()
      .from(products)
      .where(
        inArray(products.id, [
          demo.products.admitted.rice,
          demo.products.admitted.eggs,
          demo.products.admitted.greens,
        ]),
      );
    const byId = new Map(catalog.map((p) => [p.id, p]));
    const picked = [
      demo.products.admitted.rice,
      demo.products.admitted.eggs,
      demo.products.admitted.greens,
    ].map((id) => byId.get(id)!);
    const today = localDate(now);
    await tx.insert(relays).values({
      communityId,
      id: relayId,
      merchantId: demo.merchants.admitted,
      leaderUserId: demo.users.merchant,
      title: DISTRIBUTION_DEMO_RELAY_TITLE,
      description: '大米、鸡蛋、青菜，今晚送到 3号楼2单元。',
      status: 'formed',
      opensAt: new Date(now.getTime() - 2 * 86_400_000),
      closesAt: new Date(now.getTime() - 3_600_000),
      deliveryDate: today,
    });
    const items = await tx
      .insert(relayItems)
      .values(
        picked.map((p, position) => ({
          communityId,
          id: demoId(`relay:distribution-demo:item:${position}`),
          relayId,
          productId: p.id,
          name: p.name,
          spec: p.spec,
          unit: p.unit,
          unitPriceFen: p.priceFen,
          position,
        })),
      )
      .returning();
    const homes = await tx
      .select({ id: households.id, room: households.room, floor: households.floor })
      .from(households)
      .where(and(eq(households.communityId, communityId), eq(households.stairwellId, demo.stairwells.s3_2)))
      .orderBy(asc(households.floor), asc(households.room));
    const residents = await tx
      .select({ householdId: memberships.householdId, userId: memberships.userId })
      .from(memberships)
      .where(
        and(
          eq(memberships.communityId, communityId),
          eq(memberships.role, 'resident'),
          inArray(
            memberships.householdId,
            homes.map((h) => h.id),
          ),
        ),
      )
      .orderBy(asc(memberships.createdAt));
    const residentOf = new Map<string, string>();
    for (const r of residents)
      if (r.householdId && !residentOf.has(r.householdId)) residentOf.set(r.householdId, r.userId);

    let seq = 0;
    for (const h of homes) {
      const qty = QTY[seq % QTY.length]!;
      seq += 1;
      const lines = items.map((it, k) => ({ it, qty: qty[k]! })).filter((l) => l.qty > 0);
      const total = lines.reduce((n, l) => n + l.qty * l.it.unitPriceFen, 0);
      const resident = residentOf.get(h.id);
      // No resident account (a care household without a smartphone): the stairwell leader ordered (代下单).
      const placedBy = resident ?? demo.users.volunteer;
      const orderId = demoId(`relay:distribution-demo:order:${seq}`);
      await tx.insert(orders).values({
        communityId,
        id: orderId,
        relayId,
        seq,
        householdId: h.id,
        placedBy,
        onBehalf: !resident || h.id === demo.households.careNoSmartphone,
        doorDelivery: h.id === demo.households.careNoSmartphone,
        status: 'paid',
        totalFen: total,
        idempotencyKey: `demo-distribution-${seq}`,
        paidAt: new Date(now.getTime() - 2 * 3_600_000),
        // In the chain, in order (the relay page lists orders by their chain version).
        chainVersion: seq,
      });
      await tx.insert(orderLines).values(
        lines.map((l) => ({
          communityId,
          orderId,
          relayItemId: l.it.id,
          qty: l.qty,
          unitPriceFen: l.it.unitPriceFen,
        })),
      );
      await tx.insert(payments).values({
        communityId,
        orderId,
        // The PaymentIntent is made in the Stripe mock by linkDemoPayments (db/seed/demo-payments.ts).
        stripePaymentIntentId: null,
        method: 'card',
        amountFen: total,
        status: 'succeeded',
        succeededAt: new Date(now.getTime() - 2 * 3_600_000),
      });
    }
    for (const it of items) {
      await tx
        .update(relayItems)
        .set({
          sold: sql`(select coalesce(sum(l.qty), 0)::int from order_lines l where l.community_id = ${communityId}::uuid and l.relay_item_id = ${it.id}::uuid)`,
        })
        .where(and(eq(relayItems.communityId, communityId), eq(relayItems.id, it.id)));
    }
    await tx
      .update(relays)
      .set({ nextSeq: seq + 1, chainVersion: seq + 1 })
      .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)));
  });
}
