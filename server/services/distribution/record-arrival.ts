import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Tx } from '@/db/client';
import { batches, deliveries, deliveryRelays } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { publishDistribution } from './events';
import { text } from './fields';
import { DELIVERY_NOT_FOUND } from './internal';
import { transitionDelivery } from '@/server/services/distribution/lifecycle';
import { transitionRelays } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';
import { analyzeTables } from '@/server/services/shared/statistics';

export const RecordArrivalInput = z.object({
  communityId: Id,
  deliveryId: Id,
  packageCount: z.number().int().min(0).max(100_000),
  /** Who physically took the goods, when not the volunteer recording it (a guard, say). */
  receivedByName: text(40).nullish(),
  remarks: text(500).nullish(),
});
export type RecordArrivalInput = z.infer<typeof RecordArrivalInput>;

/**
 * The truck is at the gate (到货交接): the delivery becomes arrived, its relays arrived, and one
 * batch is created holding one bag per bought order of those relays — except orders the merchant
 * already settled as wholly undelivered (nothing to carry). One transaction with its audit row.
 */
export async function recordArrival({ ctx, input }: { ctx: ServiceContext; input: RecordArrivalInput }) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = ctx.user!;
  if (!Number.isInteger(input.packageCount) || input.packageCount < 0 || input.packageCount > 100_000) {
    throw badRequest(
      'PACKAGE_COUNT_INVALID',
      '件数必须是 0 或正整数 / The package count must be a whole number.',
      {
        field: 'packageCount',
      },
    );
  }
  const now = ctx.now();
  const { communityId } = input;

  const result = await inTransaction(ctx.db, async (tx) => {
    const [arrived] = await transitionDelivery(tx, { communityId, id: input.deliveryId }, 'arrived', {
      from: ['dispatched'],
      set: {
        arrivedAt: now,
        packageCount: input.packageCount,
        receivedBy: user.id,
        receivedByName: input.receivedByName?.trim() || user.name,
        remarks: input.remarks?.trim() ?? '',
        updatedAt: now,
      },
    }).returning();
    if (!arrived) return refuseArrival(tx, communityId, input.deliveryId);
    const relayRows = await tx
      .select({ relayId: deliveryRelays.relayId })
      .from(deliveryRelays)
      .where(and(eq(deliveryRelays.communityId, communityId), eq(deliveryRelays.deliveryId, arrived.id)));
    const relayIds = relayRows.map((r) => r.relayId);
    if (relayIds.length > 0) {
      await transitionRelays(tx, { communityId, ids: relayIds }, 'arrived', {
        from: ['dispatched'],
        set: { updatedAt: now },
      });
    }
    const [batch] = await tx
      .insert(batches)
      .values({
        communityId,
        deliveryId: arrived.id,
        status: 'received',
        receivedAt: now,
        receivedBy: user.id,
      })
      .returning();
    const bagCount = await packBags(tx, communityId, batch!.id, relayIds, now);
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'delivery.arrived',
      entityType: 'delivery',
      entityId: arrived.id,
      before: { status: 'dispatched' },
      after: {
        status: 'arrived',
        packageCount: input.packageCount,
        receivedByName: arrived.receivedByName,
        batchId: batch!.id,
        bags: bagCount,
      },
    });
    return { deliveryId: arrived.id, batchId: batch!.id, bags: bagCount, relayIds };
  });
  // A truck's bags arrive in one statement (1,500 for the demo compound): the board and check-off
  // plan on them right away, and the statistics view lags a backend's writes by up to a minute, so
  // a large batch is analyzed here, after commit, rather than left to analyzeIfStale.
  if (result.bags >= BULK_BAGS) await analyzeTables(ctx.db, ['bags']);
  await publishDistribution(ctx, communityId, [
    { kind: 'delivery' },
    { kind: 'batch', batchId: result.batchId },
  ]);
  return result;
}

/** Why a delivery could not become arrived: it does not exist, or it arrived already. */
async function refuseArrival(tx: Tx, communityId: string, deliveryId: string): Promise<never> {
  const [existing] = await tx
    .select({ status: deliveries.status })
    .from(deliveries)
    .where(and(eq(deliveries.communityId, communityId), eq(deliveries.id, deliveryId)));
  if (!existing) throw DELIVERY_NOT_FOUND();
  throw preconditionFailed(
    'DELIVERY_ALREADY_ARRIVED',
    '这趟货已经登记到达 / This delivery has already been received.',
  );
}

/** One bag per bought order. An order the merchant settled as wholly undelivered gets none. */
async function packBags(
  tx: Tx,
  communityId: string,
  batchId: string,
  relayIds: string[],
  now: Date,
): Promise<number> {
  const bagRows = relayIds.length
    ? await queryRows<{ n: number }>(
        tx,
        sql`with inserted as (
              insert into bags (community_id, batch_id, order_id, relay_id, household_id, stairwell_id, status, created_at, updated_at)
              select o.community_id, ${batchId}::uuid, o.id, o.relay_id, o.household_id, h.stairwell_id, 'pending'::bag_status, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
                from orders o
                join households h on h.community_id = o.community_id and h.id = o.household_id
               where o.community_id = ${communityId}
                 and o.relay_id in (${sql.join(
                   relayIds.map((id) => sql`${id}`),
                   sql`, `,
                 )})
                 and o.status in ('paid', 'fulfilled', 'short')
                 and exists (
                   select 1 from order_lines l
                    where l.community_id = o.community_id and l.order_id = o.id
                      and coalesce(l.fulfilled_qty, l.qty) > 0)
              on conflict do nothing
              returning 1)
            select count(*)::int as n from inserted`,
      )
    : [{ n: 0 }];
  return Number(bagRows[0]?.n ?? 0);
}

/** From this many bags in one arrival, ANALYZE bags after it commits. */
const BULK_BAGS = 500;
