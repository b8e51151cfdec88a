import { z } from 'zod';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound } from '@/server/services/shared/errors';
import { relayNotFormed } from './get-relay-pick-list';
import { buildPickList, findDeliveryRelays, isUuid, resolveViewer } from './load';
import { isPickable } from './rules';
import type { PickList } from './types';

export const GetDeliveryPickListInput = z.object({
  communityId: z.uuid(),
  merchantId: z.uuid(),
  /** `YYYY-MM-DD`, the relays' delivery date. */
  deliveryDate: z.iso.date(),
});
export type GetDeliveryPickListInput = z.infer<typeof GetDeliveryPickListInput>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * One truck, one day: the pick list across all of a merchant's formed relays delivered on one
 * date in one compound. Relays of that day that have not formed are left out and counted in
 * `pendingRelays`, so the page can say so instead of silently packing less.
 */
export async function getDeliveryPickList({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetDeliveryPickListInput;
}): Promise<PickList> {
  requireUser(ctx);
  if (!isCalendarDate(input.deliveryDate)) {
    throw badRequest(
      'INVALID_DELIVERY_DATE',
      '送货日期应为 YYYY-MM-DD / The delivery date must be YYYY-MM-DD.',
      {
        field: 'deliveryDate',
      },
    );
  }
  const missing = () =>
    notFound('DELIVERY_NOT_FOUND', '这一天没有该商家的接龙 / No relays of this merchant on that day.');
  if (!isUuid(input.communityId) || !isUuid(input.merchantId)) throw missing();
  const scope = await resolveViewer(ctx, input.communityId, input.merchantId);
  const all = await findDeliveryRelays(ctx.db, input);
  const live = all.filter((r) => r.status !== 'cancelled' && r.status !== 'failed');
  if (live.length === 0) throw missing();
  const heads = live.filter((r) => isPickable(r.status));
  if (heads.length === 0) throw relayNotFormed(live[0]!.status);
  return buildPickList(ctx.db, {
    kind: 'delivery',
    heads,
    pendingRelays: live.length - heads.length,
    scope,
    now: ctx.now(),
  });
}
