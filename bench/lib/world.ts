/**
 * What the benches run against: the demo compound (钟楼新村, 1,506 households) seeded the way
 * `npm start` seeds it, its admitted merchant, 1,000 households each with one resident who has a
 * phone, and relays made through the relay service (so prices are snapshotted and the relay opened
 * exactly as a merchant would). Bulk data that a bench only needs to exist (10,000 earlier orders)
 * goes in with plain SQL.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '@/db/client';
import { seedDemoIfEmpty } from '@/db/seed/demo';
import { createRelay } from '@/server/services/relay/create-relay';
import type { SessionUser } from '@/server/services/shared/context';

export type Household = { householdId: string; userId: string; phone: string };
export type RelayRef = { relayId: string; cappedItemId: string; openItemId: string; cap: number | null };

export type World = {
  communityId: string;
  merchantId: string;
  owner: SessionUser;
  products: [string, string];
  households: Household[];
};

export async function loadWorld(database: Database, householdCount: number): Promise<World> {
  const db = database.db;
  await seedDemoIfEmpty(database);
  const [m] = await queryRows<{
    community_id: string;
    merchant_id: string;
    owner_id: string;
    owner_name: string;
    owner_phone: string | null;
  }>(
    db,
    sql`select a.community_id, a.merchant_id, u.id as owner_id, u.name as owner_name, u.phone as owner_phone
          from admissions a
          join merchant_members mm on mm.merchant_id = a.merchant_id and mm.role = 'owner'
          join users u on u.id = mm.user_id
          join communities c on c.id = a.community_id
         where a.status = 'approved'
         order by (select count(*) from households h where h.community_id = c.id) desc, c.slug
         limit 1`,
  );
  if (!m) throw new Error('the demo seed has no admitted merchant');
  const products = await queryRows<{ id: string }>(
    db,
    sql`select id from products where merchant_id = ${m.merchant_id}::uuid and active order by price_fen desc, id limit 2`,
  );
  if (products.length < 2) throw new Error('the admitted demo merchant needs two active products');
  // One resident with a phone per household, in a stable order.
  const households = await queryRows<{ household_id: string; user_id: string; phone: string }>(
    db,
    sql`select distinct on (ms.household_id) ms.household_id, u.id as user_id, u.phone
          from memberships ms join users u on u.id = ms.user_id
         where ms.community_id = ${m.community_id}::uuid and ms.role = 'resident' and ms.household_id is not null
           and u.phone is not null
         order by ms.household_id, u.phone`,
  );
  if (households.length < householdCount) {
    throw new Error(
      `the demo compound has ${households.length} households with a resident who has a phone; ${householdCount} wanted`,
    );
  }
  return {
    communityId: m.community_id,
    merchantId: m.merchant_id,
    owner: { id: m.owner_id, name: m.owner_name, phone: m.owner_phone },
    products: [products[0]!.id, products[1]!.id],
    households: households
      .slice(0, householdCount)
      .map((h) => ({ householdId: h.household_id, userId: h.user_id, phone: h.phone })),
  };
}

function shanghaiDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * An open relay of the demo merchant with two items: one capped (the flash-sale item, with a
 * per-household limit) and one uncapped, through createRelay as the merchant's owner.
 */
export async function openBenchRelay(
  database: Database,
  w: World,
  opts: {
    title: string;
    cap: number | null;
    perHouseholdLimit: number | null;
    closesInMinutes?: number;
    threshold?: { kind: 'households'; value: number };
  },
): Promise<RelayRef> {
  // A join takes stock line by line in item-id order, so which of the two items sorts first decides
  // whether a sold-out attempt fails at once (capped first) or first locks the uncapped item's row.
  // Ids are random: keep the order fixed (capped first) so every relay of a run, Linli's and the
  // baseline's, behaves alike. A relay with the other order is deleted before anyone sees it.
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await createBenchRelay(database, w, opts);
    if (r.cappedItemId < r.openItemId) return r;
    await database.db.execute(
      sql`delete from relay_items where community_id = ${w.communityId}::uuid and relay_id = ${r.relayId}::uuid`,
    );
    await database.db.execute(
      sql`delete from relays where community_id = ${w.communityId}::uuid and id = ${r.relayId}::uuid`,
    );
  }
  throw new Error('could not make a relay with its capped item first');
}

async function createBenchRelay(
  database: Database,
  w: World,
  opts: Parameters<typeof openBenchRelay>[2],
): Promise<RelayRef> {
  const now = new Date();
  const closesAt = new Date(now.getTime() + (opts.closesInMinutes ?? 180) * 60_000);
  const { relayId } = await createRelay({
    ctx: { database, db: database.db, user: w.owner, now: () => new Date() },
    input: {
      merchantId: w.merchantId,
      communityId: w.communityId,
      title: opts.title,
      items: [
        { productId: w.products[0], stockCap: opts.cap, perHouseholdLimit: opts.perHouseholdLimit },
        { productId: w.products[1], stockCap: null, perHouseholdLimit: null },
      ],
      threshold: opts.threshold ?? { kind: 'none', value: 0 },
      opensAt: now,
      closesAt,
      deliveryDate: shanghaiDate(new Date(closesAt.getTime() + 24 * 3600_000)),
      openNow: true,
    },
  });
  const items = await queryRows<{ id: string; product_id: string; stock_cap: number | null }>(
    database.db,
    sql`select id, product_id, stock_cap from relay_items where community_id = ${w.communityId}::uuid and relay_id = ${relayId}::uuid`,
  );
  const capped = items.find((i) => i.product_id === w.products[0])!;
  const open = items.find((i) => i.product_id === w.products[1])!;
  return { relayId, cappedItemId: capped.id, openItemId: open.id, cap: opts.cap };
}

/**
 * `count` earlier paid orders in a relay, with SQL: households taken round-robin, 1 unit of the
 * capped item and 1-3 of the other per order, `sold`, the household totals, `next_seq` and the
 * chain version kept consistent with them, as if they had joined one by one.
 */
export async function bulkOrders(database: Database, w: World, r: RelayRef, count: number): Promise<void> {
  const db = database.db;
  const hh = w.households;
  await db.execute(sql`
    insert into orders (community_id, relay_id, seq, household_id, placed_by, status, total_fen, idempotency_key, paid_at, chain_version)
    select ${w.communityId}::uuid, ${r.relayId}::uuid, g.n, h.household_id, h.user_id, 'paid', 0, 'bench-bulk-' || ${r.relayId}::text || '-' || g.n, now(), g.n
      from generate_series(1, ${count}) g(n)
      join (select household_id, user_id, (row_number() over (order by household_id)) - 1 as k
              from json_to_recordset(${JSON.stringify(hh.map((h) => ({ household_id: h.householdId, user_id: h.userId })))}::json)
                   as x(household_id uuid, user_id uuid)) h
        on h.k = (g.n - 1) % ${hh.length}`);
  await db.execute(sql`
    insert into order_lines (community_id, order_id, relay_item_id, qty, unit_price_fen)
    select o.community_id, o.id, ri.id, case when ri.id = ${r.cappedItemId}::uuid then 1 else 1 + o.seq % 3 end, ri.unit_price_fen
      from orders o join relay_items ri on ri.community_id = o.community_id and ri.relay_id = o.relay_id
     where o.community_id = ${w.communityId}::uuid and o.relay_id = ${r.relayId}::uuid`);
  // Fresh statistics, or the planner takes 10,000 new rows for an empty table and nests loops.
  await db.execute(sql`analyze orders, order_lines`);
  await db.execute(sql`
    update orders o set total_fen = s.t
      from (select order_id, sum(qty * unit_price_fen)::int as t from order_lines l
             join orders o2 on o2.community_id = l.community_id and o2.id = l.order_id
            where o2.relay_id = ${r.relayId}::uuid group by order_id) s
     where o.community_id = ${w.communityId}::uuid and o.id = s.order_id`);
  await db.execute(sql`
    update relay_items ri set sold = s.q
      from (select l.relay_item_id, sum(l.qty)::int as q from order_lines l
             join orders o on o.community_id = l.community_id and o.id = l.order_id
            where o.relay_id = ${r.relayId}::uuid group by l.relay_item_id) s
     where ri.community_id = ${w.communityId}::uuid and ri.id = s.relay_item_id`);
  await db.execute(sql`
    insert into household_item_totals (community_id, relay_item_id, household_id, qty)
    select o.community_id, l.relay_item_id, o.household_id, sum(l.qty)::int
      from orders o join order_lines l on l.community_id = o.community_id and l.order_id = o.id
      join relay_items ri on ri.community_id = l.community_id and ri.id = l.relay_item_id
     where o.relay_id = ${r.relayId}::uuid and ri.per_household_limit is not null
     group by o.community_id, l.relay_item_id, o.household_id`);
  await db.execute(sql`
    update relays set next_seq = ${count + 1}, chain_version = ${count}
     where community_id = ${w.communityId}::uuid and id = ${r.relayId}::uuid`);
  await db.execute(sql`analyze orders, order_lines, household_item_totals, relay_items`);
}
