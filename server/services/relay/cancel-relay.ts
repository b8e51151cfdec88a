import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Tx } from '@/db/client';
import { orders, relays } from '@/db/schema';
import { requireMerchantMember } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { safeText } from '@/server/services/shared/zod';
import { publishChainChange } from './chain-bus';
import { MerchantRelayRef } from './fields';
import { requireMerchantRelay } from './load';
import { RELAY_TRANSITIONS, illegalTransition, ordersHref } from './rules';
import { cancelIntentsOfOrders, cancelOrdersOfDeadRelay } from './transitions';
import { analyzeIfStale, RELAY_ORDER_TABLES } from '@/server/services/shared/statistics';
import { transitionRelays } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';
import { orderPayments } from './order-payments';

export const CancelRelayInput = MerchantRelayRef.extend({
  reason: safeText({ min: 1, max: 500, minMessage: '请写明取消原因 / Say why.' }),
});
export type CancelRelayInput = z.infer<typeof CancelRelayInput>;

/**
 * The merchant calls a relay off before it forms (draft, open or closed → cancelled): every live
 * order is cancelled, paid ones refunded in full (key `relay-cancelled:<orderId>`), unpaid intents
 * cancelled, and every household told why — in the transaction that cancels the relay.
 */
export async function cancelRelay({ ctx, input }: { ctx: ServiceContext; input: CancelRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const reason = input.reason.trim();
  if (!reason)
    throw badRequest(
      'CANCEL_REASON_REQUIRED',
      '请写明取消原因，居民会看到 / Say why; residents will see it.',
      { field: 'reason' },
    );
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const { communityId } = relay;
  const now = ctx.now();
  const actor = (ctx as AuthedContext).user.id;
  const live = await ctx.db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(
      and(
        eq(orders.communityId, communityId),
        eq(orders.relayId, relay.id),
        inArray(orders.status, ['pending_payment', 'paid']),
      ),
    );

  const out = await inTransaction(ctx.db, async (tx) => {
    const [row] = await transitionRelays(tx, { communityId, id: relay.id }, 'cancelled', {
      from: RELAY_TRANSITIONS.cancel.from,
      set: {
        decidedAt: now,
        outcomeReason: reason.slice(0, 500),
        chainVersion: sql`${relays.chainVersion} + 1`,
        updatedAt: now,
      },
    }).returning();
    if (!row) {
      const [cur] = await tx
        .select({ status: relays.status })
        .from(relays)
        .where(and(eq(relays.communityId, communityId), eq(relays.id, relay.id)));
      throw illegalTransition('cancel', cur?.status);
    }
    // Who to tell, read before the orders change status.
    const audience = await liveOrderAudience(tx, communityId, relay.id);
    const refunds = await cancelOrdersOfDeadRelay(
      tx,
      communityId,
      relay.id,
      row.chainVersion,
      now,
      'relay_cancelled',
    );
    await writeAudit(tx, {
      communityId,
      actorUserId: actor,
      action: 'relay.cancelled',
      entityType: 'relay',
      entityId: relay.id,
      before: { status: relay.status },
      after: { status: 'cancelled', reason, orders: live.length, refunds: refunds.length },
    });
    await tellRelayCancelled(tx, communityId, relay, reason, audience);
    return { version: row.chainVersion, refunds };
  });
  await publishChainChange(ctx.database, { communityId, relayId: relay.id, version: out.version });
  await cancelIntentsOfOrders(
    ctx.database,
    communityId,
    live.filter((o) => o.status === 'pending_payment').map((o) => o.id),
  );
  const settled = await orderPayments().executeRefunds(ctx.database, out.refunds);
  // Every order of the relay just changed at once (issue 12: statistics after bulk writes).
  if (live.length > 0) await analyzeIfStale(ctx.db, RELAY_ORDER_TABLES);
  return {
    relayId: relay.id,
    status: 'cancelled' as const,
    cancelledOrders: live.length,
    refunds: settled.length,
    refundsPending: settled.filter((r) => r.status === 'pending').length,
  };
}

/** Each person to tell about each live order of the relay: its household's residents and who placed it. */
function liveOrderAudience(tx: Tx, communityId: string, relayId: string) {
  return queryRows<{ user_id: string; order_id: string; seq: number }>(
    tx,
    sql`select distinct x.user_id, x.order_id, x.seq from (
          select m.user_id, o.id as order_id, o.seq from orders o
            join memberships m on m.community_id = o.community_id and m.household_id = o.household_id and m.role = 'resident'
           where o.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid and o.status in ('pending_payment', 'paid')
          union
          select o.placed_by, o.id, o.seq from orders o
           where o.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid and o.status in ('pending_payment', 'paid')
        ) x`,
  );
}

async function tellRelayCancelled(
  tx: Tx,
  communityId: string,
  relay: { id: string; title: string },
  reason: string,
  audience: Awaited<ReturnType<typeof liveOrderAudience>>,
) {
  await notifyUsers(
    tx,
    audience.map((a) => ({
      communityId,
      userId: a.user_id,
      kind: 'relay.cancelled',
      payload: {
        relayId: relay.id,
        relayTitle: relay.title,
        orderId: a.order_id,
        seq: Number(a.seq),
        reason,
        href: ordersHref(communityId),
      },
    })),
  );
}
