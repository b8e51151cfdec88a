/**
 * 跟上次一样 (issue 13 item 11): the lines of a household's last order from this relay's merchant
 * (in an earlier relay of the same compound), each matched by product to this relay's items, so
 * the join form can be filled from it. Only the caller's own households: a volunteer who orders
 * for another household (代下单) does not see that household's history here.
 *
 * "Last order" is the newest order the household actually bought (paid, delivered or short) —
 * an unpaid hold that expired or an order that was cancelled is not what it "had last time".
 * The phone caps each quantity to what is left and to the household limit (it has both live);
 * the join checks both again.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { idOf } from '@/server/services/shared/zod';
import { RelayRef } from './fields';
import { myHouseholdIds } from './get-relay';
import { requireRelay } from './load';

export const LastOrderInput = RelayRef.extend({ householdId: idOf('住户') });
export type LastOrderInput = z.infer<typeof LastOrderInput>;

type LastOrder = {
  relayTitle: string;
  deliveryDate: string;
  lines: {
    name: string;
    qty: number;
    /** This relay's item of the same product; null when this relay does not offer it. */
    relayItemId: string | null;
  }[];
} | null;

export async function lastOrderHere({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: LastOrderInput;
}): Promise<LastOrder> {
  requireUser(ctx);
  const { communityId, relayId, householdId } = LastOrderInput.parse(input);
  const mine = await myHouseholdIds(ctx, communityId);
  if (!mine.includes(householdId))
    throw notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.');
  const relay = await requireRelay(ctx.db, communityId, relayId);
  const [last] = await queryRows<{ id: string; title: string; delivery_date: string }>(
    ctx.db,
    sql`
      select o.id, r.title, to_char(r.delivery_date, 'YYYY-MM-DD') as delivery_date
        from orders o
        join relays r on r.community_id = o.community_id and r.id = o.relay_id
       where o.community_id = ${communityId}::uuid
         and o.household_id = ${householdId}::uuid
         and r.merchant_id = ${relay.merchantId}::uuid
         and o.relay_id <> ${relayId}::uuid
         and o.status in ('paid', 'fulfilled', 'short')
       order by o.created_at desc
       limit 1`,
  );
  if (!last) return null;
  const lines = await queryRows<{ name: string; qty: number; here: string | null }>(
    ctx.db,
    sql`
      select ri.name, ol.qty,
             (select h.id from relay_items h
               where h.community_id = ri.community_id and h.relay_id = ${relayId}::uuid and h.product_id = ri.product_id
               order by h.position, h.id limit 1) as here
        from order_lines ol
        join relay_items ri on ri.community_id = ol.community_id and ri.id = ol.relay_item_id
       where ol.community_id = ${communityId}::uuid and ol.order_id = ${last.id}::uuid
       order by ri.position, ri.id`,
  );
  return {
    relayTitle: last.title,
    deliveryDate: String(last.delivery_date),
    lines: lines.map((l) => ({ name: l.name, qty: Number(l.qty), relayItemId: l.here ?? null })),
  };
}
