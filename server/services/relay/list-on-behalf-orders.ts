import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { idOf } from '@/server/services/shared/zod';
import { listMyOrders, type MyOrder } from './list-my-orders';

export const ListOnBehalfOrdersInput = z.object({ communityId: idOf('小区') });
export type ListOnBehalfOrdersInput = z.infer<typeof ListOnBehalfOrdersInput>;

type OnBehalfOrder = MyOrder & {
  /** Still to be paid and within its hold: the pay button and the countdown show. */
  payable: boolean;
  /** The pay page of the order (代付). */
  payHref: string;
};

/**
 * 我代下的单: the orders the caller placed on behalf of other households, unpaid ones first (the
 * one whose hold ends soonest on top), then the rest newest first — so a volunteer who left after
 * ordering finds what is still to pay, with its pay page.
 */
export async function listOnBehalfOrders({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListOnBehalfOrdersInput;
}): Promise<OnBehalfOrder[]> {
  const all = await listMyOrders({ ctx, input: { communityId: input.communityId } });
  const now = ctx.now().getTime();
  const mine = all
    .filter((o) => o.placedByMe && o.onBehalf)
    .map((o) => ({
      ...o,
      payable: o.status === 'pending_payment' && !!o.holdUntil && o.holdUntil.getTime() > now,
      payHref: `/pay/${o.orderId}?c=${input.communityId}`,
    }));
  return mine.sort((a, b) => {
    if (a.payable !== b.payable) return a.payable ? -1 : 1;
    if (a.payable) return a.holdUntil!.getTime() - b.holdUntil!.getTime();
    return b.createdAt.getTime() - a.createdAt.getTime();
  });
}
