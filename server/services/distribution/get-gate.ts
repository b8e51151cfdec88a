import { and, asc, desc, eq, gte, inArray, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bags, batches, deliveries, deliveryRelays, merchants, orders, relays } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import type { DbOrTx } from '@/db/client';
import { communitySettings, LIVE_ORDER_STATUSES, userNames } from './internal';
import { releasableAt, testDwellSeconds } from './rules';

export const GetGateInput = z.object({ communityId: CommunityId });
export type GetGateInput = z.infer<typeof GetGateInput>;

const KEEP_COMPLETED_MS = 12 * 3_600_000;

/**
 * What the gate volunteer needs: trucks on their way (to record arrival), and the batches at the
 * gate with their disinfection record and countdown (`serverNow` lets the phone correct its clock).
 */
export async function getGate({ ctx, input }: { ctx: ServiceContext; input: GetGateInput }) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const { communityId } = input;
  const now = ctx.now();
  const { settings } = await communitySettings(ctx.db, communityId);
  const enRoute = await trucksEnRoute(ctx.db, communityId);
  const batchRows = await batchesAtGate(ctx.db, communityId, now);
  const deliveryIds = [...enRoute.map((d) => d.deliveryId), ...batchRows.map((b) => b.deliveryId)];
  const relaysByDelivery = await relaysOf(ctx.db, communityId, deliveryIds);
  const bagCounts = await bagCountsOf(
    ctx.db,
    communityId,
    batchRows.map((b) => b.batchId),
  );
  const names = await userNames(
    ctx.db,
    batchRows.flatMap((b) => [b.receivedBy, b.releasedBy]),
  );
  return {
    serverNow: now,
    dwell: dwellOf(settings.disinfectionDwellMinutes),
    enRoute: enRoute.map((d) => {
      const rs = relaysByDelivery.get(d.deliveryId) ?? [];
      return { ...d, relays: rs, orders: rs.reduce((n, r) => n + r.orders, 0) };
    }),
    batches: batchRows.map((b) => ({
      ...b,
      receivedByName: b.receivedByName ?? names.get(b.receivedBy) ?? '',
      releasedByName: b.releasedBy ? (names.get(b.releasedBy) ?? '') : null,
      releasableAt: b.startedAt && b.dwellSeconds != null ? releasableAt(b.startedAt, b.dwellSeconds) : null,
      relays: relaysByDelivery.get(b.deliveryId) ?? [],
      bags: bagCounts.get(b.batchId) ?? emptyBagCounts(),
    })),
  };
}

/** The compound's disinfection dwell, or the test setting when LINLI_TEST_DWELL_SECONDS is set. */
function dwellOf(disinfectionDwellMinutes: number) {
  const testSeconds = testDwellSeconds(process.env.LINLI_TEST_DWELL_SECONDS);
  return testSeconds != null
    ? { seconds: testSeconds, minimumMinutes: 0, testSetting: true }
    : {
        seconds: disinfectionDwellMinutes * 60,
        minimumMinutes: disinfectionDwellMinutes,
        testSetting: false,
      };
}

function trucksEnRoute(db: DbOrTx, communityId: string) {
  return db
    .select({
      deliveryId: deliveries.id,
      merchantName: merchants.displayName,
      eta: deliveries.eta,
      vehiclePlate: deliveries.vehiclePlate,
      driverName: deliveries.driverName,
      driverPhone: deliveries.driverPhone,
      dispatchedAt: deliveries.dispatchedAt,
    })
    .from(deliveries)
    .innerJoin(merchants, eq(merchants.id, deliveries.merchantId))
    .where(and(eq(deliveries.communityId, communityId), eq(deliveries.status, 'dispatched')))
    .orderBy(asc(deliveries.eta));
}

/** The batches at the gate, and those finished in the last hours, newest first. */
function batchesAtGate(db: DbOrTx, communityId: string, now: Date) {
  return db
    .select({
      batchId: batches.id,
      deliveryId: batches.deliveryId,
      merchantName: merchants.displayName,
      status: batches.status,
      receivedAt: batches.receivedAt,
      receivedBy: batches.receivedBy,
      receivedByName: deliveries.receivedByName,
      packageCount: deliveries.packageCount,
      eta: deliveries.eta,
      vehiclePlate: deliveries.vehiclePlate,
      agent: batches.disinfectionAgent,
      concentration: batches.concentration,
      method: batches.method,
      startedAt: batches.disinfectionStartedAt,
      dwellSeconds: batches.dwellSeconds,
      operatorName: batches.operatorName,
      photoKey: batches.disinfectionPhotoKey,
      releasedAt: batches.releasedAt,
      releasedBy: batches.releasedBy,
      completedAt: batches.completedAt,
    })
    .from(batches)
    .innerJoin(
      deliveries,
      and(eq(deliveries.communityId, batches.communityId), eq(deliveries.id, batches.deliveryId)),
    )
    .innerJoin(merchants, eq(merchants.id, deliveries.merchantId))
    .where(
      and(
        eq(batches.communityId, communityId),
        or(
          ne(batches.status, 'completed'),
          gte(batches.completedAt, new Date(now.getTime() - KEEP_COMPLETED_MS)),
        ),
      ),
    )
    .orderBy(desc(batches.receivedAt));
}

/** The relays each delivery carries, with their live order counts. */
async function relaysOf(db: DbOrTx, communityId: string, deliveryIds: string[]) {
  const relayRows = deliveryIds.length
    ? await db
        .select({
          deliveryId: deliveryRelays.deliveryId,
          relayId: relays.id,
          title: relays.title,
          orders: sql<number>`(select count(*)::int from ${orders} o
              where o.community_id = ${relays.communityId} and o.relay_id = ${relays.id}
                and o.status in (${sql.join(
                  LIVE_ORDER_STATUSES.map((s) => sql`${s}`),
                  sql`, `,
                )}))`,
        })
        .from(deliveryRelays)
        .innerJoin(
          relays,
          and(eq(relays.communityId, deliveryRelays.communityId), eq(relays.id, deliveryRelays.relayId)),
        )
        .where(
          and(eq(deliveryRelays.communityId, communityId), inArray(deliveryRelays.deliveryId, deliveryIds)),
        )
    : [];
  const relaysByDelivery = new Map<string, { relayId: string; title: string; orders: number }[]>();
  for (const r of relayRows) {
    const list = relaysByDelivery.get(r.deliveryId) ?? [];
    list.push({ relayId: r.relayId, title: r.title, orders: Number(r.orders) });
    relaysByDelivery.set(r.deliveryId, list);
  }
  return relaysByDelivery;
}

type BagCounts = { total: number; pending: number; delivered: number; exception: number; refunded: number };

function emptyBagCounts(): BagCounts {
  return { total: 0, pending: 0, delivered: 0, exception: 0, refunded: 0 };
}

/** Each batch's bags by status. */
async function bagCountsOf(db: DbOrTx, communityId: string, batchIds: string[]) {
  const counts = batchIds.length
    ? await db
        .select({ batchId: bags.batchId, status: bags.status, n: sql<number>`count(*)::int` })
        .from(bags)
        .where(and(eq(bags.communityId, communityId), inArray(bags.batchId, batchIds)))
        .groupBy(bags.batchId, bags.status)
    : [];
  const bagCounts = new Map<string, BagCounts>();
  for (const c of counts) {
    const entry = bagCounts.get(c.batchId) ?? emptyBagCounts();
    entry[c.status] += Number(c.n);
    entry.total += Number(c.n);
    bagCounts.set(c.batchId, entry);
  }
  return bagCounts;
}
