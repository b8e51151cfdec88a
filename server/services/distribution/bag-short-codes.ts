/**
 * Giving every bag its 短码 (short-code.ts): one row of `bag_codes` per paid order, unique per
 * compound and delivery day by the table's unique constraint. Codes are made when the merchant
 * dispatches the relays (in the dispatch transaction) or prints labels, whichever comes first;
 * both are idempotent, so the second finds the codes in place.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { bagCodes, bags } from '@/db/schema';
import { verifyBagCode } from '@/server/services/shared/bag-code';
import { isShortCode, normalizeShortCode, randomShortCode } from './short-code';

/** Rounds of drawing before giving up: each round keeps all but the (rare) colliding codes. */
const MAX_ROUNDS = 8;

/**
 * Gives every bag-to-be (paid, fulfilled or short order) of `relayIds` a short code, unique per
 * compound and delivery day. A drawn code that is taken — by an earlier bag of the day, or by a
 * concurrent dispatch that inserted it first (the unique index makes the second insert wait for
 * the first and then skip) — is drawn again next round; `ON CONFLICT DO NOTHING` never aborts the
 * caller's transaction. Orders are inserted in id order, so two callers lock in the same order.
 */
export async function assignBagCodes(
  db: DbOrTx,
  communityId: string,
  relayIds: readonly string[],
  draw: () => string = randomShortCode,
): Promise<number> {
  if (relayIds.length === 0) return 0;
  let made = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const missing = await queryRows<{ order_id: string; delivery_date: string }>(
      db,
      sql`select o.id as order_id, r.delivery_date::text as delivery_date
            from orders o join relays r on r.community_id = o.community_id and r.id = o.relay_id
           where o.community_id = ${communityId}::uuid
             and o.relay_id in (${sql.join(
               relayIds.map((id) => sql`${id}::uuid`),
               sql`, `,
             )})
             and o.status in ('paid', 'fulfilled', 'short')
             and not exists (select 1 from bag_codes c where c.community_id = o.community_id and c.order_id = o.id)
           order by o.id`,
    );
    if (missing.length === 0) return made;
    const inserted = await db
      .insert(bagCodes)
      .values(
        missing.map((m) => ({
          communityId,
          orderId: m.order_id,
          deliveryDate: m.delivery_date,
          code: draw(),
        })),
      )
      .onConflictDoNothing()
      .returning({ orderId: bagCodes.orderId });
    made += inserted.length;
  }
  throw new Error(`[bag-codes] could not give every bag a unique code in ${MAX_ROUNDS} rounds`);
}

/** The short codes of these orders (order id → code); orders without one are absent. */
export async function shortCodesOf(
  db: DbOrTx,
  communityId: string,
  orderIds: readonly string[],
): Promise<Map<string, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .select({ orderId: bagCodes.orderId, code: bagCodes.code })
    .from(bagCodes)
    .where(and(eq(bagCodes.communityId, communityId), inArray(bagCodes.orderId, [...orderIds])));
  return new Map(rows.map((r) => [r.orderId, r.code]));
}

/**
 * The order a code at check-off names: the signed label code (`LL1.…`, checked by its signature)
 * or a typed 短码 of a bag that has reached the compound (with `bagId`, that bag's; otherwise the
 * latest delivery day's). Null when it names no bag here: a forgery, a typo, another compound's
 * label. Whether the bag is the caller's to carry is checked by the caller, as for a scan.
 */
export async function orderOfBagCode(
  db: DbOrTx,
  communityId: string,
  code: string,
  bagId: string | null,
): Promise<string | null> {
  const short = normalizeShortCode(code);
  if (!isShortCode(short)) return verifyBagCode(communityId, code)?.orderId ?? null;
  const [row] = await db
    .select({ orderId: bagCodes.orderId })
    .from(bagCodes)
    .innerJoin(bags, and(eq(bags.communityId, bagCodes.communityId), eq(bags.orderId, bagCodes.orderId)))
    .where(
      and(
        eq(bagCodes.communityId, communityId),
        eq(bagCodes.code, short),
        bagId ? eq(bags.id, bagId) : undefined,
      ),
    )
    .orderBy(desc(bagCodes.deliveryDate))
    .limit(1);
  return row?.orderId ?? null;
}
