/**
 * Reads shared by the relay verbs. Every query filters by `community_id` first (one shard on Citus).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import {
  careProfiles,
  communities,
  type CommunitySettings,
  DEFAULT_COMMUNITY_SETTINGS,
  households,
  memberships,
  merchants,
  orderLines,
  orders,
  relayItems,
  relays,
} from '@/db/schema';
import type { AuthedContext } from '@/server/services/shared/context';
import { assignedStairwellIds, myMemberships, COORDINATOR_ROLES } from '@/server/services/shared/access';
import { notFound } from '@/server/services/shared/errors';
import { type OrderStatus } from './rules';
import { maskName, maskRoom } from '@/server/services/shared/privacy';

export type RelayRow = typeof relays.$inferSelect;
export type RelayItemRow = typeof relayItems.$inferSelect;

export async function findRelay(
  db: DbOrTx,
  communityId: string,
  relayId: string,
): Promise<RelayRow | undefined> {
  const [row] = await db
    .select()
    .from(relays)
    .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)));
  return row;
}

export async function requireRelay(db: DbOrTx, communityId: string, relayId: string): Promise<RelayRow> {
  const row = await findRelay(db, communityId, relayId);
  if (!row) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  return row;
}

/**
 * A merchant's own relay; another merchant's relay reads as not found. Without the compound (a
 * merchant's page names only the relay) it is found through the merchant's index.
 */
export async function requireMerchantRelay(
  db: DbOrTx,
  communityId: string | undefined,
  relayId: string,
  merchantId: string,
) {
  const [row] = communityId
    ? await db
        .select()
        .from(relays)
        .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)))
    : await db
        .select()
        .from(relays)
        .where(and(eq(relays.merchantId, merchantId), eq(relays.id, relayId)));
  if (!row || row.merchantId !== merchantId)
    throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  return row;
}

export async function relayItemsOf(
  db: DbOrTx,
  communityId: string,
  relayId: string,
): Promise<RelayItemRow[]> {
  return db
    .select()
    .from(relayItems)
    .where(and(eq(relayItems.communityId, communityId), eq(relayItems.relayId, relayId)))
    .orderBy(asc(relayItems.position), asc(relayItems.id));
}

export async function unpaidHoldMinutes(db: DbOrTx, communityId: string): Promise<number> {
  const [c] = await db
    .select({ settings: communities.settings })
    .from(communities)
    .where(eq(communities.id, communityId));
  const v = c?.settings?.unpaidHoldMinutes;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_COMMUNITY_SETTINGS.unpaidHoldMinutes;
}

/** The default of `careHoldMinutes`: two hours for an order placed on behalf of a care household. */
const DEFAULT_CARE_HOLD_MINUTES = 120;

/**
 * 代下单 for a care household: its unpaid hold runs `careHoldMinutes` (per compound, default 2 h)
 * from the join instead of the usual 15 minutes, so the volunteer or a relative has time to pay.
 * Returns the new hold, or null when the household has no care profile (the usual hold stands).
 */
export async function extendCareHold(
  db: DbOrTx,
  order: { communityId: string; orderId: string; householdId: string },
  now: Date,
): Promise<Date | null> {
  const [row] = await queryRows<{ settings: CommunitySettings | string | null; care: boolean }>(
    db,
    sql`select c.settings,
               exists(select 1 from care_profiles cp
                       where cp.community_id = c.id and cp.household_id = ${order.householdId}::uuid) as care
          from communities c where c.id = ${order.communityId}::uuid`,
  );
  if (!row?.care) return null;
  const settings: Partial<CommunitySettings> =
    (typeof row.settings === 'string' ? (JSON.parse(row.settings) as CommunitySettings) : row.settings) ?? {};
  const v = settings.careHoldMinutes;
  const minutes = typeof v === 'number' && v > 0 ? v : DEFAULT_CARE_HOLD_MINUTES;
  const until = new Date(now.getTime() + minutes * 60_000);
  await db
    .update(orders)
    .set({ holdUntil: until })
    .where(
      and(
        eq(orders.communityId, order.communityId),
        eq(orders.id, order.orderId),
        eq(orders.status, 'pending_payment'),
      ),
    );
  return until;
}

export async function merchantName(db: DbOrTx, merchantId: string): Promise<string> {
  const [m] = await db
    .select({ displayName: merchants.displayName, legalName: merchants.legalName })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  return m?.displayName || m?.legalName || '';
}

/** Every user who should hear about a household's order: its residents, plus whoever placed it. */
export async function householdUserIds(
  db: DbOrTx,
  communityId: string,
  householdId: string,
  placedBy?: string,
) {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.householdId, householdId),
        eq(memberships.role, 'resident'),
      ),
    );
  const ids = new Set(rows.map((r) => r.userId));
  if (placedBy) ids.add(placedBy);
  return [...ids];
}

export type HouseholdScope = { householdId: string; onBehalf: boolean; doorDelivery: boolean };

/**
 * Whose order this is: the caller's own household (a resident of it), or — 代下单 — a household in
 * one of the stairwells the caller volunteers for (coordinators: any household). Anything else
 * reads as not found, so a household id cannot be probed.
 */
export async function resolveHouseholdScope(
  ctx: AuthedContext,
  db: DbOrTx,
  communityId: string,
  householdId: string,
): Promise<HouseholdScope> {
  const mine = await myMemberships(ctx, communityId);
  const [h] = await db
    .select({ id: households.id, stairwellId: households.stairwellId, door: careProfiles.doorDelivery })
    .from(households)
    .leftJoin(
      careProfiles,
      and(eq(careProfiles.communityId, households.communityId), eq(careProfiles.householdId, households.id)),
    )
    .where(and(eq(households.communityId, communityId), eq(households.id, householdId)));
  const notMine = notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.', {
    field: 'householdId',
  });
  if (!h) throw notMine;
  const doorDelivery = h.door === true;
  if (mine.some((m) => m.role === 'resident' && m.householdId === householdId)) {
    return { householdId, onBehalf: false, doorDelivery };
  }
  if (mine.some((m) => COORDINATOR_ROLES.includes(m.role)))
    return { householdId, onBehalf: true, doorDelivery };
  if (mine.some((m) => m.role === 'volunteer')) {
    const stairwells = await assignedStairwellIds(db, ctx.user.id, communityId);
    if (stairwells.includes(h.stairwellId)) return { householdId, onBehalf: true, doorDelivery };
  }
  throw notMine;
}

// ─── The chain ──────────────────────────────────────────────────────────────────────────────────

export type ChainRow = {
  orderId: string;
  seq: number;
  status: OrderStatus;
  chainVersion: number;
  householdId: string;
  building: string;
  stairwell: string;
  room: string;
  name: string | null;
  lines: { relayItemId: string; name: string; qty: number }[];
};

/**
 * Orders of a relay changed after chain version `since` (all when 0), oldest 接龙号 first. The
 * name shown is the household's resident: the person who joined, or for 代下单 the household's
 * first registered resident (never the volunteer).
 */
export async function chainRows(
  db: DbOrTx,
  communityId: string,
  relayId: string,
  since = 0,
): Promise<ChainRow[]> {
  const rows = await queryRows<{
    order_id: string;
    seq: number;
    status: OrderStatus;
    chain_version: number;
    household_id: string;
    building: string;
    stairwell: string;
    room: string;
    name: string | null;
    lines: unknown;
  }>(
    db,
    sql`
      select o.id as order_id, o.seq, o.status, o.chain_version, o.household_id,
             b.number as building, s.number as stairwell, h.room,
             case when o.on_behalf then (
               select u2.name from memberships m join users u2 on u2.id = m.user_id
                where m.community_id = o.community_id and m.household_id = o.household_id and m.role = 'resident'
                order by m.created_at, m.id limit 1
             ) else u.name end as name,
             coalesce((
               select json_agg(json_build_object('relayItemId', ol.relay_item_id, 'name', ri.name, 'qty', ol.qty)
                               order by ri.position, ri.id)
                 from order_lines ol
                 join relay_items ri on ri.community_id = ol.community_id and ri.id = ol.relay_item_id
                where ol.community_id = o.community_id and ol.order_id = o.id
             ), '[]'::json) as lines
        from orders o
        join households h on h.community_id = o.community_id and h.id = o.household_id
        join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
        join buildings b on b.community_id = s.community_id and b.id = s.building_id
        join users u on u.id = o.placed_by
       where o.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid and o.chain_version > ${since}
       order by o.seq`,
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    seq: Number(r.seq),
    status: r.status,
    chainVersion: Number(r.chain_version),
    householdId: r.household_id,
    building: r.building,
    stairwell: r.stairwell,
    room: r.room,
    name: r.name,
    lines: (typeof r.lines === 'string' ? JSON.parse(r.lines) : r.lines) as ChainRow['lines'],
  }));
}

/** What a resident may see of another household's entry: masked (docs/ARCHITECTURE.md, Privacy). */
export type ChainEntry = {
  seq: number;
  /** false once cancelled or expired: the number stays taken, the entry is struck out. */
  active: boolean;
  paid: boolean;
  building: string;
  stairwell: string;
  roomMasked: string;
  nameMasked: string;
  lines: { relayItemId: string; name: string; qty: number }[];
  /** The caller's own household. */
  mine: boolean;
  version: number;
};

export function toChainEntry(r: ChainRow, myHouseholdIds: ReadonlySet<string>): ChainEntry {
  return {
    seq: r.seq,
    active:
      r.status === 'pending_payment' ||
      r.status === 'paid' ||
      r.status === 'fulfilled' ||
      r.status === 'short',
    paid: r.status === 'paid' || r.status === 'fulfilled' || r.status === 'short',
    building: r.building,
    stairwell: r.stairwell,
    roomMasked: maskRoom(r.room),
    nameMasked: maskName(r.name),
    lines: r.lines,
    mine: myHouseholdIds.has(r.householdId),
    version: r.chainVersion,
  };
}

export type Tally = {
  activeHouseholds: number;
  activeUnits: number;
  paidHouseholds: number;
  paidUnits: number;
  orders: number;
};

export async function tallyRelay(db: DbOrTx, communityId: string, relayId: string): Promise<Tally> {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`
      select
        count(distinct o.household_id) filter (where o.status in ('pending_payment', 'paid'))::int as active_households,
        count(distinct o.household_id) filter (where o.status = 'paid')::int as paid_households,
        count(*) filter (where o.status in ('pending_payment', 'paid'))::int as orders,
        coalesce((select sum(ol.qty) from order_lines ol join orders o2 on o2.community_id = ol.community_id and o2.id = ol.order_id
                   where o2.community_id = ${communityId}::uuid and o2.relay_id = ${relayId}::uuid
                     and o2.status in ('pending_payment', 'paid')), 0)::int as active_units,
        coalesce((select sum(ol.qty) from order_lines ol join orders o2 on o2.community_id = ol.community_id and o2.id = ol.order_id
                   where o2.community_id = ${communityId}::uuid and o2.relay_id = ${relayId}::uuid
                     and o2.status = 'paid'), 0)::int as paid_units
        from orders o
       where o.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid`,
  );
  return {
    activeHouseholds: Number(row?.active_households ?? 0),
    activeUnits: Number(row?.active_units ?? 0),
    paidHouseholds: Number(row?.paid_households ?? 0),
    paidUnits: Number(row?.paid_units ?? 0),
    orders: Number(row?.orders ?? 0),
  };
}

/** Units of each item held by paid orders (for "all capped stock is sold"). */
export async function paidUnitsByItem(
  db: DbOrTx,
  communityId: string,
  relayId: string,
): Promise<Map<string, number>> {
  const rows = await queryRows<{ relay_item_id: string; units: number }>(
    db,
    sql`
      select ol.relay_item_id, sum(ol.qty)::int as units
        from order_lines ol join orders o on o.community_id = ol.community_id and o.id = ol.order_id
       where o.community_id = ${communityId}::uuid and o.relay_id = ${relayId}::uuid and o.status = 'paid'
       group by ol.relay_item_id`,
  );
  return new Map(rows.map((r) => [r.relay_item_id, Number(r.units)]));
}

export type OrderRow = typeof orders.$inferSelect;

/**
 * An order the caller may see and act on: a resident of its household, whoever placed it, a
 * volunteer of its stairwell, or a coordinator. Anyone else: not found.
 */
export async function requireOrderAccess(
  ctx: AuthedContext,
  db: DbOrTx,
  communityId: string,
  orderId: string,
): Promise<OrderRow> {
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  const missing = notFound('ORDER_NOT_FOUND', '找不到该订单 / Order not found.');
  if (!order) throw missing;
  if (order.placedBy === ctx.user.id) return order;
  try {
    await resolveHouseholdScope(ctx, db, communityId, order.householdId);
    return order;
  } catch {
    throw missing;
  }
}

export async function orderLinesOf(db: DbOrTx, communityId: string, orderId: string) {
  return db
    .select({
      id: orderLines.id,
      relayItemId: orderLines.relayItemId,
      qty: orderLines.qty,
      unitPriceFen: orderLines.unitPriceFen,
      refundedFen: orderLines.refundedFen,
      name: relayItems.name,
      spec: relayItems.spec,
      unit: relayItems.unit,
      perHouseholdLimit: relayItems.perHouseholdLimit,
      position: relayItems.position,
    })
    .from(orderLines)
    .innerJoin(
      relayItems,
      and(eq(relayItems.communityId, orderLines.communityId), eq(relayItems.id, orderLines.relayItemId)),
    )
    .where(and(eq(orderLines.communityId, communityId), eq(orderLines.orderId, orderId)))
    .orderBy(asc(relayItems.position), asc(relayItems.id));
}

/** Addresses of the given households, unmasked (only ever for the caller's own). */
export async function householdLabels(db: DbOrTx, communityId: string, householdIds: string[]) {
  if (householdIds.length === 0) return [];
  const rows = await queryRows<{ id: string; building: string; stairwell: string; room: string }>(
    db,
    sql`select h.id, b.number as building, s.number as stairwell, h.room
          from households h
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
         where h.community_id = ${communityId}::uuid and h.id in (${sql.join(
           householdIds.map((id) => sql`${id}::uuid`),
           sql`, `,
         )})
         order by b.route_order, s.route_order, h.floor, h.room`,
  );
  return rows;
}

/** For notifications: what the household will recognise the order by. */
export async function relayTitleOf(db: DbOrTx, communityId: string, relayId: string): Promise<string> {
  const [r] = await db
    .select({ title: relays.title })
    .from(relays)
    .where(and(eq(relays.communityId, communityId), eq(relays.id, relayId)));
  return r?.title ?? '';
}
