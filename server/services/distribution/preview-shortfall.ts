import { z } from 'zod';
import { Id } from '@/server/services/shared/zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { DeliveredItems } from './fields';
import { requireMerchantRelay } from './internal';
import { planShortfall } from './shortfall-plan';

export const PreviewShortfallInput = z.object({
  merchantId: Id,
  communityId: Id,
  relayId: Id,
  items: DeliveredItems,
});
export type PreviewShortfallInput = z.infer<typeof PreviewShortfallInput>;

/** What a settlement would do, before the merchant commits to it: who goes short and who gets how much back. */
export async function previewShortfall({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: PreviewShortfallInput;
}) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId, input.communityId);
  const plan = await planShortfall(ctx.db, relay.communityId, relay.id, input.items);
  return {
    items: plan.items.map((i) => ({
      relayItemId: i.relayItemId,
      name: i.name,
      unit: i.unit,
      orderedQty: i.orderedQty,
      deliveredQty: i.deliveredQty,
      shortQty: i.orderedQty - i.deliveredQty,
      refundFen: i.allocations.reduce((n, a) => n + a.refundFen, 0),
    })),
    refunds: plan.refunds.map((r) => ({ seq: r.seq, amountFen: r.amountFen })),
    households: plan.refunds.length,
    totalRefundFen: plan.totalRefundFen,
  };
}
