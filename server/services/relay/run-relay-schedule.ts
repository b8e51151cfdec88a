/**
 * The relay's clock, run by the jobs in server/jobs/relay-*.ts on every app instance. Work is
 * claimed with `FOR UPDATE SKIP LOCKED` (two instances never take the same relay at once) and every
 * transition is guarded by the state it leaves (a relay is never opened, closed or decided twice).
 */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Database } from '@/db/client';
import { relays } from '@/db/schema';
import { isServiceError } from '@/server/services/shared/errors';
import { analyzeIfStale, RELAY_ORDER_TABLES } from '@/server/services/shared/statistics';
import { publishChainChange } from './chain-bus';
import { expireUnpaidOrders } from './expire-orders';
import { closeRelayTx, openRelayTx, settleRelay, type CloseReason } from './transitions';
import { ts, inTransaction, inSavepoint } from '@/server/services/shared/tx';

const BATCH = 20;

/** draft → open for relays whose opening time has come. A merchant no longer admitted stays draft. */
export async function openDueRelays(database: Database, now: Date): Promise<number> {
  let opened = 0;
  const signals: { communityId: string; relayId: string; version: number }[] = [];
  await inTransaction(database.db, async (tx) => {
    opened = 0; // a retried attempt starts over
    signals.length = 0;
    const due = await queryRows<{ community_id: string; id: string }>(
      tx,
      sql`select community_id, id from relays where status = 'draft' and opens_at <= ${ts(now)}
           order by opens_at limit ${BATCH} for update skip locked`,
    );
    for (const d of due) {
      const [relay] = await tx
        .select()
        .from(relays)
        .where(and(eq(relays.communityId, d.community_id), eq(relays.id, d.id)));
      try {
        // A savepoint per relay: one merchant's lapsed permit must not hold up the others.
        const row = await inSavepoint(tx, (sp) => openRelayTx(sp, relay!, now, null));
        opened++;
        signals.push({ communityId: row.communityId, relayId: row.id, version: row.chainVersion });
      } catch (e) {
        if (!isServiceError(e)) throw e;
        // Shown to the merchant on the relay; retried every round until renewed or cancelled.
        await tx
          .update(relays)
          .set({ outcomeReason: e.code })
          .where(and(eq(relays.communityId, d.community_id), eq(relays.id, d.id)));
      }
    }
  });
  for (const s of signals) await publishChainChange(database, s);
  return opened;
}

/**
 * open → closed at the cutoff, or early when every capped item is held by paid orders
 * (all stock sold — see rules.allStockSold: unpaid holds may still lapse and free units, so they
 * do not count).
 */
export async function closeDueRelays(database: Database, now: Date): Promise<number> {
  const signals: { communityId: string; relayId: string; version: number }[] = [];
  await inTransaction(database.db, async (tx) => {
    signals.length = 0; // a retried attempt starts over
    const due = await queryRows<{ community_id: string; id: string; reason: CloseReason }>(
      tx,
      sql`select r.community_id, r.id,
                 case when r.closes_at <= ${ts(now)} then 'cutoff' else 'sold_out' end as reason
            from relays r
           where r.status = 'open'
             and (r.closes_at <= ${ts(now)}
                  or (exists (select 1 from relay_items i where i.community_id = r.community_id and i.relay_id = r.id)
                      and not exists (
                        select 1 from relay_items i
                         where i.community_id = r.community_id and i.relay_id = r.id
                           and (i.stock_cap is null or i.sold < i.stock_cap
                                or i.stock_cap > coalesce((
                                     select sum(ol.qty) from order_lines ol
                                       join orders o on o.community_id = ol.community_id and o.id = ol.order_id
                                      where ol.community_id = i.community_id and ol.relay_item_id = i.id and o.status = 'paid'), 0)))))
           order by r.closes_at limit ${BATCH}
           for update of r skip locked`,
    );
    for (const d of due) {
      const row = await closeRelayTx(tx, { communityId: d.community_id, id: d.id }, now, d.reason, null);
      signals.push({ communityId: row.communityId, relayId: row.id, version: row.chainVersion });
    }
  });
  for (const s of signals) await publishChainChange(database, s);
  // A closed relay's orders are read next by its settle and pick lists: statistics first (issue 12).
  if (signals.length > 0) await analyzeIfStale(database.db, RELAY_ORDER_TABLES);
  return signals.length;
}

/**
 * closed → formed | failed (a relay closed by hand only once its undo window has passed). Unpaid holds of a closed relay may still pay until they end; once the
 * last has ended (expired here if the expiry job has not got to it yet) the relay is decided.
 */
export async function settleClosedRelays(database: Database, now: Date): Promise<number> {
  const closed = await queryRows<{ community_id: string; id: string }>(
    database.db,
    sql`select community_id, id from relays where status = 'closed'
            and (close_undo_until is null or close_undo_until <= ${ts(now)})
          order by closed_at nulls first limit ${BATCH}`,
  );
  let decided = 0;
  for (const r of closed) {
    await expireUnpaidOrders(database, now, { communityId: r.community_id, relayId: r.id });
    const outcome = await settleRelay(database, { communityId: r.community_id, id: r.id }, now);
    if (outcome === 'formed' || outcome === 'failed') decided++;
  }
  // A failed relay cancels all its orders at once; a formed one is read by pick lists next.
  if (decided > 0) await analyzeIfStale(database.db, RELAY_ORDER_TABLES);
  return decided;
}
