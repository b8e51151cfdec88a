import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { communities } from '@/db/schema';
import { requireMerchantMember } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { idOf } from '@/server/services/shared/zod';
import { MerchantRef } from './fields';
import { buildRelayView, type RelayView } from './get-relay';
import { requireMerchantRelay } from './load';
import { closeOutcomePreview, closeUndoOpen } from './rules';

/** A merchant's page names only the relay; the compound is found from it. */
export const GetMerchantRelayInput = MerchantRef.extend({
  communityId: idOf('小区').optional(),
  relayId: idOf('接龙'),
});
export type GetMerchantRelayInput = z.infer<typeof GetMerchantRelayInput>;

/** One of the merchant's relays: the masked chain, progress, money and order counts. */
export type MerchantRelayView = RelayView & {
  communityName: string;
  money: { paidFen: number; refundedFen: number; pendingFen: number };
  orderCounts: Record<string, number>;
  /** 提前截单: until when the merchant may still undo it (null when there is nothing to undo). */
  closeUndoUntil: Date | null;
  /** What 提前截单 would do at the current count, for the confirmation (open relays only). */
  closePreview: ReturnType<typeof closeOutcomePreview> | null;
};

export async function getMerchantRelay({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetMerchantRelayInput;
}): Promise<MerchantRelayView> {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const view = await buildRelayView(ctx.db, relay, [], ctx.now());
  const [money] = await queryRows<{ paid: number; refunded: number; pending: number }>(
    ctx.db,
    sql`select
          coalesce((select sum(p.amount_fen) from payments p join orders o on o.community_id = p.community_id and o.id = p.order_id
                     where o.community_id = ${relay.communityId}::uuid and o.relay_id = ${relay.id}::uuid and p.status = 'succeeded'), 0)::int as paid,
          coalesce((select sum(f.amount_fen) from refunds f join orders o on o.community_id = f.community_id and o.id = f.order_id
                     where o.community_id = ${relay.communityId}::uuid and o.relay_id = ${relay.id}::uuid and f.status = 'succeeded'), 0)::int as refunded,
          coalesce((select sum(o.total_fen) from orders o
                     where o.community_id = ${relay.communityId}::uuid and o.relay_id = ${relay.id}::uuid and o.status = 'pending_payment'), 0)::int as pending`,
  );
  const counts = await queryRows<{ status: string; n: number }>(
    ctx.db,
    sql`select status, count(*)::int as n from orders where community_id = ${relay.communityId}::uuid and relay_id = ${relay.id}::uuid group by status`,
  );
  const [c] = await ctx.db
    .select({ name: communities.name })
    .from(communities)
    .where(eq(communities.id, relay.communityId));
  const orderCounts = Object.fromEntries(counts.map((r) => [r.status, Number(r.n)]));
  const now = ctx.now();
  return {
    ...view,
    communityName: c?.name ?? '',
    closeUndoUntil: closeUndoOpen(relay, now) ? relay.closeUndoUntil : null,
    closePreview:
      relay.status === 'open'
        ? closeOutcomePreview(
            { kind: relay.thresholdKind, value: relay.thresholdValue },
            {
              paidHouseholds: view.tally.paidHouseholds,
              paidUnits: view.tally.paidUnits,
              paidOrders: orderCounts.paid ?? 0,
              pendingOrders: orderCounts.pending_payment ?? 0,
            },
          )
        : null,
    money: {
      paidFen: Number(money?.paid ?? 0),
      refundedFen: Number(money?.refunded ?? 0),
      pendingFen: Number(money?.pending ?? 0),
    },
    orderCounts,
  };
}
