/**
 * The pick list's queries and scope checks, shared by the verbs of this domain. Everything is read
 * live from orders and order lines (no cached copy), so a cancellation, a refund or a recorded
 * shortfall shows on the next read. Two queries whatever the size: one aggregate for the totals,
 * one for the bags with their lines folded in by the database.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { communities, merchants, relays } from '@/db/schema';
import {
  assignedStairwellIds,
  COORDINATOR_ROLES,
  myMemberships,
  merchantIdsOf,
  requireUser,
} from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound } from '@/server/services/shared/errors';
import {
  BAG_ORDER_STATUSES,
  compareRoute,
  grandTotal,
  stairwellCounts,
  type ProductTotal,
  type Viewer,
} from './rules';
import type { Bag, BagLine, PickList, PickListRelay } from './types';
import {
  analyzeIfStale,
  RELAY_ORDER_TABLES,
  type AnalyzableTable,
} from '@/server/services/shared/statistics';

const PICK_LIST_TABLES: readonly AnalyzableTable[] = [...RELAY_ORDER_TABLES, 'households', 'bags'];
import { maskName, phoneLast4 } from '@/server/services/shared/privacy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

export const relayNotFound = () => notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');

type ViewerScope = { viewer: Viewer; stairwellIds: string[] | null };

/**
 * Who is looking at a merchant's relay in a compound. The merchant's members and the compound's
 * coordinators see everything; a volunteer sees their own stairwells; a resident is refused;
 * anyone else reads the relay as not found (no hint that it exists).
 */
export async function resolveViewer(
  ctx: ServiceContext,
  communityId: string,
  merchantId: string,
): Promise<ViewerScope> {
  requireUser(ctx);
  const [mine, merchantIds] = await Promise.all([
    myMemberships(ctx, communityId),
    merchantIdsOf(ctx.db, ctx.user.id),
  ]);
  if (merchantIds.includes(merchantId)) return { viewer: 'merchant', stairwellIds: null };
  if (mine.some((m) => COORDINATOR_ROLES.includes(m.role)))
    return { viewer: 'coordinator', stairwellIds: null };
  if (mine.some((m) => m.role === 'volunteer')) {
    return {
      viewer: 'volunteer',
      stairwellIds: await assignedStairwellIds(ctx.db, ctx.user.id, communityId),
    };
  }
  if (mine.length > 0) {
    throw forbidden(
      'PICKLIST_FORBIDDEN',
      '拣货单只给商家、协调员和志愿者 / Pick lists are for the merchant, coordinators and volunteers.',
    );
  }
  throw relayNotFound();
}

type RelayHead = PickListRelay & {
  communityId: string;
  communityName: string;
  merchantId: string;
  merchantName: string;
  createdAt: Date;
};

const relayHead = {
  id: relays.id,
  communityId: relays.communityId,
  communityName: communities.name,
  merchantId: relays.merchantId,
  merchantName: merchants.displayName,
  merchantLegalName: merchants.legalName,
  title: relays.title,
  status: relays.status,
  deliveryDate: relays.deliveryDate,
  createdAt: relays.createdAt,
};

function toHead(
  r: { merchantLegalName: string; merchantName: string } & Omit<RelayHead, 'merchantName'>,
): RelayHead {
  const { merchantLegalName, ...rest } = r;
  return { ...rest, merchantName: rest.merchantName || merchantLegalName };
}

/** One relay by id; the community and merchant narrow the lookup when the caller knows them. */
export async function findRelay(
  db: DbOrTx,
  q: { relayId: string; communityId?: string | null; merchantId?: string | null },
): Promise<RelayHead | null> {
  if (
    !isUuid(q.relayId) ||
    (q.communityId && !isUuid(q.communityId)) ||
    (q.merchantId && !isUuid(q.merchantId))
  ) {
    return null;
  }
  const rows = await db
    .select(relayHead)
    .from(relays)
    .innerJoin(merchants, eq(merchants.id, relays.merchantId))
    .innerJoin(communities, eq(communities.id, relays.communityId))
    .where(
      and(
        eq(relays.id, q.relayId),
        q.communityId ? eq(relays.communityId, q.communityId) : undefined,
        q.merchantId ? eq(relays.merchantId, q.merchantId) : undefined,
      ),
    )
    .limit(1);
  return rows[0] ? toHead(rows[0]) : null;
}

/** A merchant's relays delivered on one day in one compound, oldest first. */
export async function findDeliveryRelays(
  db: DbOrTx,
  q: { communityId: string; merchantId: string; deliveryDate: string },
): Promise<RelayHead[]> {
  const rows = await db
    .select(relayHead)
    .from(relays)
    .innerJoin(merchants, eq(merchants.id, relays.merchantId))
    .innerJoin(communities, eq(communities.id, relays.communityId))
    .where(
      and(
        eq(relays.communityId, q.communityId),
        eq(relays.merchantId, q.merchantId),
        eq(relays.deliveryDate, q.deliveryDate),
      ),
    )
    .orderBy(relays.createdAt, relays.id);
  return rows.map(toHead);
}

const list = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
const BAG_STATUSES = sql.raw(BAG_ORDER_STATUSES.map((s) => `'${s}'`).join(', '));

type TotalsRow = {
  product_id: string;
  name: string;
  spec: string;
  unit: string;
  min_price: number;
  max_price: number;
  ordered_qty: number;
  deliver_qty: number;
  amount_fen: number | string;
  refunded_fen: number | string;
  bags: number;
};

/**
 * Totals per product: one aggregate over the paid lines of the relays. Lines are summed per relay
 * item first (grouping on a uuid is cheap; on PGlite, sorting thousands of rows by text is not),
 * then the few item rows are folded per product. An order holds an item at most once (unique
 * index), so counting lines per item counts bags.
 */
export function totalsQuery(communityId: string, relayIds: readonly string[]): SQL {
  return sql`
    with per_item as (
      select ol.relay_item_id,
        min(ol.unit_price_fen) as min_price, max(ol.unit_price_fen) as max_price,
        sum(ol.qty) as ordered_qty,
        sum(coalesce(ol.fulfilled_qty, ol.qty)) as deliver_qty,
        sum(ol.qty::bigint * ol.unit_price_fen) as amount_fen,
        sum(ol.refunded_fen) as refunded_fen,
        count(*) as bags
      from order_lines ol
      join orders o on o.community_id = ol.community_id and o.id = ol.order_id
      where ol.community_id = ${communityId}::uuid
        and o.relay_id in (${list(relayIds)})
        and o.status in (${BAG_STATUSES})
      group by ol.relay_item_id
    )
    select ri.product_id, ri.name, ri.spec, ri.unit,
      min(p.min_price)::int as min_price, max(p.max_price)::int as max_price,
      sum(p.ordered_qty)::int as ordered_qty, sum(p.deliver_qty)::int as deliver_qty,
      sum(p.amount_fen)::bigint as amount_fen, sum(p.refunded_fen)::bigint as refunded_fen,
      sum(p.bags)::int as bags
    from per_item p
    join relay_items ri on ri.community_id = ${communityId}::uuid and ri.id = p.relay_item_id
    group by ri.product_id, ri.name, ri.spec, ri.unit
    order by min(ri.position), ri.name, ri.spec`;
}

type BagRow = {
  order_id: string;
  relay_id: string;
  seq: number;
  status: Bag['status'];
  note: string;
  on_behalf: boolean;
  household_id: string;
  floor: number;
  room: string;
  stairwell_id: string;
  stairwell_number: string;
  stairwell_route: number;
  building_number: string;
  building_route: number;
  door_delivery: boolean;
  recipient_name: string | null;
  recipient_phone: string | null;
  pay_method: string | null;
  payer_name: string | null;
  payer_resident: boolean | null;
  short_code: string | null;
  lines:
    | { p: string; n: string; s: string; u: string; q: number; f: number | null; pr: number; rf: number }[]
    | string;
};

/**
 * One row per bag (= paid order) with its lines folded into JSON. The name on the bag is the
 * resident who ordered, or for an order placed on the household's behalf (代下单) the household's
 * first resident, so the label names who lives there, not the volunteer (the lookup runs for
 * those orders only). Unordered: the route order is the pure rule's (`compareRoute`), applied
 * once in memory, which also sorts room numbers naturally.
 */
export function bagsQuery(
  communityId: string,
  relayIds: readonly string[],
  stairwellIds: readonly string[] | null,
): SQL {
  const scope = stairwellIds ? sql`and h.stairwell_id in (${list(stairwellIds)})` : sql``;
  return sql`
    with l as (
      select ol.order_id,
        json_agg(json_build_object(
          'p', ri.product_id, 'n', ri.name, 's', ri.spec, 'u', ri.unit,
          'q', ol.qty, 'f', ol.fulfilled_qty, 'pr', ol.unit_price_fen, 'rf', ol.refunded_fen
        ) order by ri.position) as lines
      from order_lines ol
      join relay_items ri on ri.community_id = ol.community_id and ri.id = ol.relay_item_id
      where ol.community_id = ${communityId}::uuid and ri.relay_id in (${list(relayIds)})
      group by ol.order_id
    )
    select o.id as order_id, o.relay_id, o.seq, o.status, o.note, o.on_behalf, o.household_id,
      h.floor, h.room, s.id as stairwell_id, s.number as stairwell_number, s.route_order as stairwell_route,
      b.number as building_number, b.route_order as building_route,
      coalesce(cp.door_delivery, false) as door_delivery,
      case when res.name is not null then res.name else pu.name end as recipient_name,
      case when res.name is not null then res.phone else pu.phone end as recipient_phone,
      pay.method as pay_method, pay.payer_name, pay.payer_resident,
      coalesce(l.lines, '[]'::json) as lines,
      bc.code as short_code
    from orders o
    join households h on h.community_id = o.community_id and h.id = o.household_id
    join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
    join buildings b on b.community_id = s.community_id and b.id = s.building_id
    join users pu on pu.id = o.placed_by
    left join care_profiles cp on cp.community_id = o.community_id and cp.household_id = o.household_id
    left join lateral (
      select u.name, u.phone from memberships m join users u on u.id = m.user_id
      where o.on_behalf and m.community_id = o.community_id and m.household_id = o.household_id and m.role = 'resident'
      order by m.created_at, m.id
      limit 1
    ) res on true
    left join lateral (
      select p2.method, pyu.name as payer_name,
        exists(select 1 from memberships pm
                where pm.community_id = o.community_id and pm.household_id = o.household_id
                  and pm.user_id = p2.payer_user_id and pm.role = 'resident') as payer_resident
      from payments p2 left join users pyu on pyu.id = p2.payer_user_id
      where p2.community_id = o.community_id and p2.order_id = o.id and p2.status <> 'canceled'
      order by p2.created_at desc
      limit 1
    ) pay on true
    left join l on l.order_id = o.id
    left join bag_codes bc on bc.community_id = o.community_id and bc.order_id = o.id
    where o.community_id = ${communityId}::uuid
      and o.relay_id in (${list(relayIds)})
      and o.status in (${BAG_STATUSES})
      ${scope}`;
}

function toTotal(r: TotalsRow): ProductTotal {
  const ordered = Number(r.ordered_qty);
  const deliver = Number(r.deliver_qty);
  return {
    productId: r.product_id,
    name: r.name,
    spec: r.spec,
    unit: r.unit,
    unitPriceFen: Number(r.min_price) === Number(r.max_price) ? Number(r.min_price) : null,
    orderedQty: ordered,
    deliverQty: deliver,
    shortQty: ordered - deliver,
    amountFen: Number(r.amount_fen),
    refundedFen: Number(r.refunded_fen),
    bags: Number(r.bags),
  };
}

function toBag(r: BagRow, viewer: Viewer): Bag {
  const raw =
    typeof r.lines === 'string' ? (JSON.parse(r.lines) as Exclude<BagRow['lines'], string>) : r.lines;
  const prices = viewer !== 'volunteer';
  const lines: BagLine[] = raw.map((l) => ({
    productId: l.p,
    name: l.n,
    spec: l.s,
    unit: l.u,
    qty: l.q,
    fulfilledQty: l.f,
    deliverQty: l.f ?? l.q,
    unitPriceFen: prices ? l.pr : null,
    refundedFen: prices ? l.rf : null,
  }));
  return {
    orderId: r.order_id,
    relayId: r.relay_id,
    shortCode: r.short_code ?? null,
    seq: Number(r.seq),
    status: r.status,
    householdId: r.household_id,
    stairwellId: r.stairwell_id,
    buildingNumber: r.building_number,
    buildingRoute: Number(r.building_route),
    stairwellNumber: r.stairwell_number,
    stairwellRoute: Number(r.stairwell_route),
    floor: Number(r.floor),
    room: r.room,
    maskedName: maskName(r.recipient_name) || '*',
    phoneLast4: prices ? phoneLast4(r.recipient_phone) : null,
    phone: viewer === 'coordinator' ? r.recipient_phone : null,
    doorDelivery: Boolean(r.door_delivery),
    onBehalf: Boolean(r.on_behalf),
    cashOnDelivery: r.pay_method === 'cash',
    paidBy: viewer === 'coordinator' && r.payer_name && r.payer_resident === false ? r.payer_name : null,
    note: r.note,
    lines,
    items: lines.reduce((s, l) => s + l.deliverQty, 0),
    totalFen: prices ? raw.reduce((s, l) => s + l.q * l.pr, 0) : null,
  };
}

/** Builds the pick list of `heads` (already scope-checked and pickable) for `scope`. */
export async function buildPickList(
  db: DbOrTx,
  args: {
    kind: PickList['kind'];
    heads: RelayHead[];
    pendingRelays: number;
    scope: ViewerScope;
    now: Date;
  },
): Promise<PickList> {
  // A relay's orders may have arrived in bulk since the last ANALYZE (autovacuum may be off): the
  // totals and bags queries plan for one row without it (3.5 s instead of 55 ms for 1,460 orders).
  await analyzeIfStale(db, PICK_LIST_TABLES);
  const { heads, scope } = args;
  const first = heads[0]!;
  const relayIds = heads.map((h) => h.id);
  const relayOrder = new Map(relayIds.map((id, i) => [id, i]));
  const stairwellIds = scope.stairwellIds;
  const emptyScope = stairwellIds !== null && stairwellIds.length === 0;
  const [totalRows, bagRows] = await Promise.all([
    scope.viewer === 'volunteer'
      ? Promise.resolve(null)
      : queryRows<TotalsRow>(db, totalsQuery(first.communityId, relayIds)),
    emptyScope
      ? Promise.resolve([])
      : queryRows<BagRow>(db, bagsQuery(first.communityId, relayIds, stairwellIds)),
  ]);
  // Route order is the pure rule's (natural room numbers, relay ties), keyed once per bag.
  const bags = bagRows
    .map((r) => {
      const bag = toBag(r, scope.viewer);
      return { bag, key: { ...bag, relayOrder: relayOrder.get(bag.relayId) ?? 0 } };
    })
    .sort((a, b) => compareRoute(a.key, b.key))
    .map((x) => x.bag);
  const totals = totalRows ? totalRows.map(toTotal) : null;
  const stairwells = stairwellCounts(bags);
  return {
    kind: args.kind,
    communityId: first.communityId,
    communityName: first.communityName,
    merchantId: first.merchantId,
    merchantName: first.merchantName,
    deliveryDate: first.deliveryDate,
    relays: heads.map(({ id, title, status, deliveryDate }) => ({ id, title, status, deliveryDate })),
    pendingRelays: args.pendingRelays,
    viewer: scope.viewer,
    stairwellIds,
    generatedAt: args.now,
    totals,
    stairwells,
    bags,
    grand: grandTotal(
      totals,
      stairwells,
      bags.flatMap((b) => b.lines),
    ),
  };
}
