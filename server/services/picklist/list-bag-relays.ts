import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { CommunityId } from '@/server/services/shared/zod';
import { assignedStairwellIds, requireRole, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { BAG_ORDER_STATUSES, PICKABLE_RELAY_STATUSES } from './rules';

export const ListBagRelaysInput = z.object({ communityId: CommunityId });
export type ListBagRelaysInput = z.infer<typeof ListBagRelaysInput>;

type BagRelay = {
  id: string;
  title: string;
  status: string;
  deliveryDate: string;
  merchantName: string;
  /** Bags in the caller's stairwells (all stairwells for a coordinator). */
  bags: number;
};

/** How long a completed relay stays on the volunteers' list, for late questions at the door. */
const COMPLETED_VISIBLE_DAYS = 3;

/**
 * The relays a volunteer carries bags for: formed or on their way, plus those completed in the
 * last few days, with how many bags go to the volunteer's own stairwells.
 */
export async function listBagRelays({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListBagRelaysInput;
}): Promise<BagRelay[]> {
  requireUser(ctx);
  const mine = await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const coordinator = mine.some((m) => m.role === 'admin' || m.role === 'owner');
  const stairwellIds = coordinator
    ? null
    : await assignedStairwellIds(ctx.db, ctx.user.id, input.communityId);
  const since = new Date(ctx.now().getTime() - COMPLETED_VISIBLE_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const statuses = sql.raw(PICKABLE_RELAY_STATUSES.map((s) => `'${s}'`).join(', '));
  const bagStatuses = sql.raw(BAG_ORDER_STATUSES.map((s) => `'${s}'`).join(', '));
  const scope =
    stairwellIds === null
      ? sql``
      : stairwellIds.length === 0
        ? sql`and false`
        : sql`and h.stairwell_id in (${sql.join(
            stairwellIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`;
  const rows = await queryRows<{
    id: string;
    title: string;
    status: string;
    delivery_date: string;
    merchant_name: string;
    bags: number;
  }>(
    ctx.db,
    sql`
      select r.id, r.title, r.status, r.delivery_date::text as delivery_date,
        coalesce(nullif(m.display_name, ''), m.legal_name) as merchant_name,
        count(o.id)::int as bags
      from relays r
      join merchants m on m.id = r.merchant_id
      left join (orders o join households h on h.community_id = o.community_id and h.id = o.household_id)
        on o.community_id = r.community_id and o.relay_id = r.id and o.status in (${bagStatuses}) ${scope}
      where r.community_id = ${input.communityId}::uuid
        and r.status in (${statuses})
        and (r.status <> 'completed' or r.delivery_date >= ${since}::date)
      group by r.id, r.title, r.status, r.delivery_date, m.display_name, m.legal_name, r.created_at
      order by r.delivery_date, r.created_at, r.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status,
    deliveryDate: r.delivery_date,
    merchantName: r.merchant_name,
    bags: Number(r.bags),
  }));
}
