/**
 * The relay's state transitions. Each is one guarded UPDATE (`… WHERE status IN <the states it
 * leaves>`) with its audit row in the same transaction; a guard that matches nothing is an
 * illegal transition (someone else moved the relay first), never a silent no-op. Used by the
 * merchant's verbs and by the timed jobs alike.
 */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '@/db/client';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { orders, relays } from '@/db/schema';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import { reserveFullRefund } from './refund-keys';
import { writeAudit } from '@/server/services/shared/audit';
import { notifyUsers } from '@/server/services/shared/notify';
import { publishChainChange } from './chain-bus';
import { tallyRelay, type RelayRow } from './load';
import { ts, inTransaction } from '@/server/services/shared/tx';
import {
  closeUndoSeconds,
  evaluateThreshold,
  illegalTransition,
  ordersHref,
  RELAY_TRANSITIONS,
  type RelayAction,
} from './rules';
import { transitionOrders, transitionRelays } from '@/server/services/relay/lifecycle';
import { orderPayments, type RefundRow } from './order-payments';

async function guarded(
  tx: Tx,
  relay: { communityId: string; id: string },
  action: RelayAction,
  set: PgUpdateSetSource<typeof relays>,
): Promise<RelayRow> {
  const { from, to } = RELAY_TRANSITIONS[action];
  const [row] = await transitionRelays(tx, { communityId: relay.communityId, id: relay.id }, to, {
    from,
    set,
  }).returning();
  if (!row) {
    const [cur] = await tx
      .select({ status: relays.status })
      .from(relays)
      .where(and(eq(relays.communityId, relay.communityId), eq(relays.id, relay.id)));
    throw illegalTransition(action, cur?.status);
  }
  return row;
}

/** draft → open. The merchant must still be admitted; opening early moves `opens_at` to now. */
export async function openRelayTx(
  tx: Tx,
  relay: RelayRow,
  now: Date,
  actorUserId: string | null,
): Promise<RelayRow> {
  await requireActiveAdmission(tx, relay.communityId, relay.merchantId, now);
  const row = await guarded(tx, relay, 'open', {
    openedAt: now,
    opensAt: relay.opensAt > now ? now : relay.opensAt,
    outcomeReason: null,
    chainVersion: sql`${relays.chainVersion} + 1`,
    updatedAt: now,
  });
  await writeAudit(tx, {
    communityId: relay.communityId,
    actorUserId,
    action: 'relay.opened',
    entityType: 'relay',
    entityId: relay.id,
    before: { status: relay.status, opensAt: relay.opensAt },
    after: { status: row.status, opensAt: row.opensAt },
  });
  return row;
}

export type CloseReason = 'cutoff' | 'sold_out' | 'manual';

/** open → closed: no more joins, changes or cancellations. Unpaid holds may still pay until they end. */
export async function closeRelayTx(
  tx: Tx,
  relay: { communityId: string; id: string },
  now: Date,
  reason: CloseReason,
  actorUserId: string | null,
): Promise<RelayRow> {
  // 提前截单 by hand may be undone for CLOSE_UNDO_SECONDS; the relay is not decided meanwhile.
  const undoUntil = reason === 'manual' ? new Date(now.getTime() + closeUndoSeconds() * 1000) : null;
  const row = await guarded(tx, relay, 'close', {
    closedAt: now,
    closeReason: reason,
    closeUndoUntil: undoUntil,
    chainVersion: sql`${relays.chainVersion} + 1`,
    updatedAt: now,
  });
  await writeAudit(tx, {
    communityId: relay.communityId,
    actorUserId,
    action: 'relay.closed',
    entityType: 'relay',
    entityId: relay.id,
    before: { status: 'open' },
    after: { status: 'closed', reason, undoUntil: undoUntil?.toISOString() ?? null },
  });
  return row;
}

/**
 * closed → open: the undo of 提前截单, only while its window runs (the guard is in the UPDATE, so
 * a settle that claimed the relay first wins and the undo is refused). Nothing else changes: the
 * close touched no order, number or stock, so the relay is exactly as it was before the close.
 */
export async function reopenRelayTx(
  tx: Tx,
  relay: { communityId: string; id: string },
  now: Date,
  actorUserId: string,
): Promise<RelayRow> {
  const [before] = await tx
    .select({ closedAt: relays.closedAt, closeUndoUntil: relays.closeUndoUntil })
    .from(relays)
    .where(and(eq(relays.communityId, relay.communityId), eq(relays.id, relay.id)));
  const [row] = await transitionRelays(tx, { communityId: relay.communityId, id: relay.id }, 'open', {
    from: RELAY_TRANSITIONS.reopen.from,
    where: sql`${relays.closeReason} = 'manual' and ${relays.closeUndoUntil} > ${ts(now)}`,
    set: {
      closedAt: null,
      closeReason: null,
      closeUndoUntil: null,
      chainVersion: sql`${relays.chainVersion} + 1`,
      updatedAt: now,
    },
  }).returning();
  if (!row) {
    const [cur] = await tx
      .select({ status: relays.status })
      .from(relays)
      .where(and(eq(relays.communityId, relay.communityId), eq(relays.id, relay.id)));
    throw illegalTransition('reopen', cur?.status);
  }
  await writeAudit(tx, {
    communityId: relay.communityId,
    actorUserId,
    action: 'relay.close_undone',
    entityType: 'relay',
    entityId: relay.id,
    before: {
      status: 'closed',
      closedAt: before?.closedAt?.toISOString() ?? null,
      undoUntil: before?.closeUndoUntil?.toISOString() ?? null,
    },
    after: { status: 'open' },
  });
  return row;
}

/** Users to tell about a set of orders: each order's household residents and whoever placed it. */
async function audienceOf(tx: Tx, communityId: string, orderIds: string[]) {
  if (orderIds.length === 0) return [] as { userId: string; orderId: string; seq: number }[];
  const rows = await queryRows<{ user_id: string; order_id: string; seq: number }>(
    tx,
    sql`
      select distinct x.user_id, x.order_id, x.seq from (
        select m.user_id, o.id as order_id, o.seq
          from orders o join memberships m
            on m.community_id = o.community_id and m.household_id = o.household_id and m.role = 'resident'
         where o.community_id = ${communityId}::uuid and o.id in (${sql.join(
           orderIds.map((id) => sql`${id}::uuid`),
           sql`, `,
         )})
        union
        select o.placed_by as user_id, o.id as order_id, o.seq
          from orders o
         where o.community_id = ${communityId}::uuid and o.id in (${sql.join(
           orderIds.map((id) => sql`${id}::uuid`),
           sql`, `,
         )})
      ) x`,
  );
  return rows.map((r) => ({ userId: r.user_id, orderId: r.order_id, seq: Number(r.seq) }));
}

type SettleOutcome = 'formed' | 'failed' | 'waiting' | 'skipped';

/**
 * closed → formed | failed, once every unpaid hold has ended (paid or expired): the decision is
 * taken on money actually collected.
 *
 * Pending payments at close — the decision: they may still pay until their own hold ends; they are
 * not expired at close. A household that joined at 19:59 and is typing its card at 20:00 joined in
 * time, and the last minutes before cutoff are exactly when most people join; expiring them at
 * close would turn the rush into lost orders and a threshold missed by people who were paying.
 * The wait is bounded by the compound's `unpaidHoldMinutes` (15 by default), nobody new can join
 * or change meanwhile, and the merchant only needs the verdict before buying from the wholesaler.
 * Holds that end unpaid are expired (stock back) and the relay is decided on what was paid. Claimed with `FOR UPDATE SKIP LOCKED`, so when two instances
 * (or a job and a merchant's button) settle at once, one does the work and the other skips; the
 * guarded UPDATE makes a second, later run a no-op. A failed relay cancels every paid order and
 * refunds it in full under the key `relay-failed:<orderId>`; the refunds are sent after commit.
 * A relay closed early by hand is skipped until its undo window has passed (CLOSE_UNDO_SECONDS).
 */
export async function settleRelay(
  database: Database,
  relay: { communityId: string; id: string },
  now: Date,
  actorUserId: string | null = null,
): Promise<SettleOutcome> {
  const { communityId } = relay;
  const result = await inTransaction(database.db, async (tx) => {
    const [claimed] = await queryRows<{ id: string }>(
      tx,
      // A relay closed by hand is not decided while its undo window runs (no refund can start).
      sql`select id from relays where community_id = ${communityId}::uuid and id = ${relay.id}::uuid and status = 'closed'
            and (close_undo_until is null or close_undo_until <= ${ts(now)})
          for update skip locked`,
    );
    if (!claimed) return { outcome: 'skipped' as const, refunds: [] as RefundRow[], version: 0 };
    const [pending] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from orders where community_id = ${communityId}::uuid and relay_id = ${relay.id}::uuid
            and status = 'pending_payment'`,
    );
    if (Number(pending?.n ?? 0) > 0) return { outcome: 'waiting' as const, refunds: [], version: 0 };

    const [row] = await tx
      .select()
      .from(relays)
      .where(and(eq(relays.communityId, communityId), eq(relays.id, relay.id)));
    const tally = await tallyRelay(tx, communityId, relay.id);
    const verdict = evaluateThreshold(
      { kind: row!.thresholdKind, value: row!.thresholdValue },
      { households: tally.paidHouseholds, units: tally.paidUnits },
    );
    const paidOrders = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(
        and(eq(orders.communityId, communityId), eq(orders.relayId, relay.id), eq(orders.status, 'paid')),
      );
    const audience = await audienceOf(
      tx,
      communityId,
      paidOrders.map((o) => o.id),
    );
    const step = { tx, relay: row!, tally, audience, now, actorUserId };
    return verdict.met ? formRelay(step) : failRelay(step);
  });
  if (result.version)
    await publishChainChange(database, { communityId, relayId: relay.id, version: result.version });
  if (result.refunds.length) await orderPayments().executeRefunds(database, result.refunds);
  return result.outcome;
}

type SettleStep = {
  tx: Tx;
  relay: RelayRow;
  tally: Awaited<ReturnType<typeof tallyRelay>>;
  audience: Awaited<ReturnType<typeof audienceOf>>;
  now: Date;
  actorUserId: string | null;
};

/** closed → formed: the threshold is met on what was paid; every paying household is told. */
async function formRelay({ tx, relay, tally, audience, now, actorUserId }: SettleStep) {
  const { communityId } = relay;
  const formed = await guarded(tx, relay, 'form', {
    decidedAt: now,
    updatedAt: now,
    chainVersion: sql`${relays.chainVersion} + 1`,
  });
  await writeAudit(tx, {
    communityId,
    actorUserId,
    action: 'relay.formed',
    entityType: 'relay',
    entityId: relay.id,
    before: { status: 'closed' },
    after: {
      status: 'formed',
      ...tally,
      threshold: { kind: relay.thresholdKind, value: relay.thresholdValue },
    },
  });
  await notifyUsers(
    tx,
    audience.map((a) => ({
      communityId,
      userId: a.userId,
      kind: 'relay.formed',
      payload: {
        relayId: relay.id,
        relayTitle: relay.title,
        orderId: a.orderId,
        seq: a.seq,
        deliveryDate: relay.deliveryDate,
        href: ordersHref(communityId),
      },
    })),
  );
  return { outcome: 'formed' as const, refunds: [] as RefundRow[], version: formed.chainVersion };
}

/** closed → failed: every order cancelled, paid ones refunded in full (sent after commit). */
async function failRelay({ tx, relay, tally, audience, now, actorUserId }: SettleStep) {
  const { communityId } = relay;
  const reason = 'threshold_not_met';
  const failed = await guarded(tx, relay, 'fail', {
    decidedAt: now,
    updatedAt: now,
    outcomeReason: reason,
    chainVersion: sql`${relays.chainVersion} + 1`,
  });
  const refunds = await cancelOrdersOfDeadRelay(
    tx,
    communityId,
    relay.id,
    failed.chainVersion,
    now,
    'relay_failed',
  );
  await writeAudit(tx, {
    communityId,
    actorUserId,
    action: 'relay.failed',
    entityType: 'relay',
    entityId: relay.id,
    before: { status: 'closed' },
    after: { status: 'failed', reason, ...tally, refunds: refunds.length },
  });
  await notifyUsers(
    tx,
    audience.map((a) => ({
      communityId,
      userId: a.userId,
      kind: 'relay.failed',
      payload: {
        relayId: relay.id,
        relayTitle: relay.title,
        orderId: a.orderId,
        seq: a.seq,
        reason,
        href: ordersHref(communityId),
      },
    })),
  );
  return { outcome: 'failed' as const, refunds, version: failed.chainVersion };
}

/**
 * Cancels every live order of a relay that failed or was cancelled, inside the transaction that
 * ended the relay: paid orders get a full refund reserved (key `<cause>:<orderId>`, so a second
 * run can never refund again). Stock is left as it was: the relay takes no more orders.
 */
export async function cancelOrdersOfDeadRelay(
  tx: Tx,
  communityId: string,
  relayId: string,
  version: number,
  now: Date,
  cause: 'relay_failed' | 'relay_cancelled',
): Promise<RefundRow[]> {
  const cancelled = await transitionOrders(tx, { communityId, relayId }, 'cancelled', {
    from: ['pending_payment', 'paid'],
    set: { cancelReason: cause, cancelledAt: now, holdUntil: null, chainVersion: version, updatedAt: now },
  }).returning({ id: orders.id, paidAt: orders.paidAt, totalFen: orders.totalFen });
  const keyPrefix = cause === 'relay_failed' ? 'relay-failed' : 'relay-cancelled';
  const refunds: RefundRow[] = [];
  for (const o of cancelled) {
    if (!o.paidAt) continue;
    refunds.push(
      ...(await reserveFullRefund(tx, {
        communityId,
        orderId: o.id,
        keyPrefix,
        reason: cause,
        requestedBy: null,
      })),
    );
  }
  return refunds;
}

/** After a dead relay's transaction: pending intents cancelled at Stripe so nobody pays into it. */
export async function cancelIntentsOfOrders(
  database: Database,
  communityId: string,
  orderIds: string[],
): Promise<void> {
  for (const orderId of orderIds) {
    const live = await orderPayments().livePayment(database.db, communityId, orderId);
    if (live && live.status !== 'succeeded') {
      try {
        await orderPayments().cancelPaymentIntent(database, live, 'relay_ended');
      } catch (e) {
        console.error('[relay] could not cancel an intent; a late payment would be refunded', e);
      }
    }
  }
}
