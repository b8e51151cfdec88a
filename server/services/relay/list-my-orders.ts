import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { idOf } from '@/server/services/shared/zod';
import { myHouseholdIds } from './get-relay';
import { MAX_QTY, type OrderStatus, type RelayStatus } from './rules';

export const ListMyOrdersInput = z.object({ communityId: idOf('小区'), relayId: idOf('接龙').optional() });
export type ListMyOrdersInput = z.infer<typeof ListMyOrdersInput>;

export type MyOrder = {
  orderId: string;
  relayId: string;
  relayTitle: string;
  relayStatus: RelayStatus;
  closesAt: Date;
  deliveryDate: string;
  seq: number;
  status: OrderStatus;
  totalFen: number;
  refundedFen: number;
  refundPendingFen: number;
  holdUntil: Date | null;
  paymentStatus: string | null;
  paymentError: string | null;
  onBehalf: boolean;
  placedByMe: boolean;
  placedByName: string;
  doorDelivery: boolean;
  household: { building: string; stairwell: string; room: string };
  lines: {
    relayItemId: string;
    name: string;
    spec: string;
    unit: string;
    qty: number;
    unitPriceFen: number;
    /** The most this line may be raised to now (stock left, household limit); the server checks again. */
    maxQty: number;
  }[];
  createdAt: Date;
};

/**
 * Orders of the caller's households (whoever placed them: the household sees a 代下单 too) and
 * orders the caller placed for others, newest first.
 */
export async function listMyOrders({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListMyOrdersInput;
}): Promise<MyOrder[]> {
  requireUser(ctx);
  const households = await myHouseholdIds(ctx, input.communityId);
  const hh = households.length
    ? sql.join(
        households.map((h) => sql`${h}::uuid`),
        sql`, `,
      )
    : sql`null::uuid`;
  const relayFilter = input.relayId ? sql` and o.relay_id = ${input.relayId}::uuid` : sql``;
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`
      select o.id, o.relay_id, r.title, r.status as relay_status, r.closes_at, to_char(r.delivery_date, 'YYYY-MM-DD') as delivery_date, o.seq, o.status, o.total_fen,
             o.hold_until, o.on_behalf, o.placed_by, u.name as placed_by_name, o.door_delivery, o.created_at,
             b.number as building, s.number as stairwell, h.room,
             (select p.status from payments p where p.community_id = o.community_id and p.order_id = o.id
               order by (p.status = 'canceled'), p.created_at desc limit 1) as payment_status,
             (select p.last_error from payments p where p.community_id = o.community_id and p.order_id = o.id
               order by (p.status = 'canceled'), p.created_at desc limit 1) as payment_error,
             coalesce((select sum(f.amount_fen) from refunds f where f.community_id = o.community_id and f.order_id = o.id and f.status = 'succeeded'), 0)::int as refunded,
             coalesce((select sum(f.amount_fen) from refunds f where f.community_id = o.community_id and f.order_id = o.id and f.status = 'pending'), 0)::int as refund_pending,
             coalesce((select json_agg(json_build_object('relayItemId', ol.relay_item_id, 'name', ri.name, 'spec', ri.spec, 'unit', ri.unit,
                                                         'qty', ol.qty, 'unitPriceFen', ol.unit_price_fen,
                                                         'maxQty', least(coalesce(ri.per_household_limit, ${MAX_QTY}::int), ol.qty + coalesce(greatest(ri.stock_cap - ri.sold, 0), ${MAX_QTY}::int), ${MAX_QTY}::int)) order by ri.position, ri.id)
                         from order_lines ol join relay_items ri on ri.community_id = ol.community_id and ri.id = ol.relay_item_id
                        where ol.community_id = o.community_id and ol.order_id = o.id), '[]'::json) as lines
        from orders o
        join relays r on r.community_id = o.community_id and r.id = o.relay_id
        join users u on u.id = o.placed_by
        join households h on h.community_id = o.community_id and h.id = o.household_id
        join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
        join buildings b on b.community_id = s.community_id and b.id = s.building_id
       where o.community_id = ${input.communityId}::uuid
         and (o.household_id in (${hh}) or o.placed_by = ${ctx.user.id}::uuid)${relayFilter}
       order by o.created_at desc
       limit 200`,
  );
  return rows.map((r) => ({
    orderId: r.id as string,
    relayId: r.relay_id as string,
    relayTitle: r.title as string,
    relayStatus: r.relay_status as RelayStatus,
    closesAt: new Date(r.closes_at as string),
    deliveryDate: String(r.delivery_date),
    seq: Number(r.seq),
    status: r.status as OrderStatus,
    totalFen: Number(r.total_fen),
    refundedFen: Number(r.refunded),
    refundPendingFen: Number(r.refund_pending),
    holdUntil: r.hold_until ? new Date(r.hold_until as string) : null,
    paymentStatus: (r.payment_status as string | null) ?? null,
    paymentError: (r.payment_error as string | null) ?? null,
    onBehalf: Boolean(r.on_behalf),
    placedByMe: r.placed_by === ctx.user.id,
    placedByName: r.placed_by_name as string,
    doorDelivery: Boolean(r.door_delivery),
    household: { building: r.building as string, stairwell: r.stairwell as string, room: r.room as string },
    lines: (typeof r.lines === 'string' ? JSON.parse(r.lines) : r.lines) as MyOrder['lines'],
    createdAt: new Date(r.created_at as string),
  }));
}
