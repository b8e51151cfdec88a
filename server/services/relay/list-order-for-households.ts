import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { assignedStairwellIds, requireRole } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { maskName } from '@/server/services/shared/privacy';
import { idOf } from '@/server/services/shared/zod';

export const ListOrderForHouseholdsInput = z.object({
  communityId: idOf('小区'),
  relayId: idOf('接龙').optional(),
});
export type ListOrderForHouseholdsInput = z.infer<typeof ListOrderForHouseholdsInput>;

export type OrderForHousehold = {
  householdId: string;
  building: string;
  stairwell: string;
  floor: number;
  room: string;
  /** Surnames of the registered residents, masked. */
  residents: string[];
  /** On the care registry (特殊人群): deliver to the door. Only this stairwell's volunteers see it. */
  care: boolean;
  doorDelivery: boolean;
  careCategories: string[];
  /** 接龙号 of the household's live orders in the relay asked about. */
  liveOrders: number[];
  /** Units the household already holds of each limited item of that relay (for the limits shown). */
  itemTotals: Record<string, number>;
};

/**
 * 代下单: the households of the stairwells the caller volunteers for, care households first, so a
 * volunteer can order for a neighbour without a smartphone. Care flags are shown here because
 * these are the volunteers who carry the bag to that door (docs/ARCHITECTURE.md).
 */
export async function listOrderForHouseholds({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListOrderForHouseholdsInput;
}) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = (ctx as AuthedContext).user;
  const stairwells = await assignedStairwellIds(ctx.db, user.id, input.communityId);
  if (stairwells.length === 0) return { households: [] as OrderForHousehold[], stairwellCount: 0 };
  const relayFilter = input.relayId
    ? sql`(select coalesce(json_agg(o.seq order by o.seq), '[]'::json) from orders o
            where o.community_id = h.community_id and o.household_id = h.id and o.relay_id = ${input.relayId}::uuid
              and o.status in ('pending_payment', 'paid'))`
    : sql`'[]'::json`;
  const totalsFilter = input.relayId
    ? sql`(select coalesce(json_object_agg(t.relay_item_id, t.qty), '{}'::json) from household_item_totals t
             join relay_items ri on ri.community_id = t.community_id and ri.id = t.relay_item_id
            where t.community_id = h.community_id and t.household_id = h.id and ri.relay_id = ${input.relayId}::uuid)`
    : sql`'{}'::json`;
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`select h.id, b.number as building, s.number as stairwell, h.floor, h.room,
               cp.id is not null as care, coalesce(cp.door_delivery, false) as door_delivery,
               coalesce(array_to_json(cp.categories), '[]'::json) as categories,
               coalesce((select json_agg(u.name order by m.created_at) from memberships m join users u on u.id = m.user_id
                          where m.community_id = h.community_id and m.household_id = h.id and m.role = 'resident'), '[]'::json) as names,
               ${relayFilter} as live,
               ${totalsFilter} as totals
          from households h
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          left join care_profiles cp on cp.community_id = h.community_id and cp.household_id = h.id
         where h.community_id = ${input.communityId}::uuid
           and h.stairwell_id in (${sql.join(
             stairwells.map((s) => sql`${s}::uuid`),
             sql`, `,
           )})
         order by (cp.id is null), b.route_order, s.route_order, h.floor, h.room
         limit 500`,
  );
  const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
  return {
    stairwellCount: stairwells.length,
    households: rows.map((r): OrderForHousehold => ({
      householdId: r.id as string,
      building: r.building as string,
      stairwell: r.stairwell as string,
      floor: Number(r.floor),
      room: r.room as string,
      residents: parse<string[]>(r.names).map((n) => maskName(n)),
      care: Boolean(r.care),
      doorDelivery: Boolean(r.door_delivery),
      careCategories: parse<string[]>(r.categories),
      liveOrders: parse<number[]>(r.live),
      itemTotals: parse<Record<string, number>>(r.totals),
    })),
  };
}
