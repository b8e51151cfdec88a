/**
 * Fault drills: the server killed with SIGKILL in the middle of a flash crowd, every Stripe webhook
 * delivered twice more, and the cutoff run by two app instances at once.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { queryRows, type DbOrTx } from '@/db/client';
import { joinOverHttp, type JoinOutcome } from './join';
import type { BenchServer } from './server';
import type { Resident } from './sessions';
import { pool, round } from './stats';
import type { RelayRef, World } from './world';

export type KillDrill = {
  /** Answered 200 with an order id before the kill. */
  acked: JoinOutcome[];
  /** Who placed each acknowledged order (order id → phone). */
  ackedBy: Map<string, Resident>;
  /** In flight at the kill: no answer; the phone retries with the same key. */
  unanswered: number;
  /** After the restart: the retries and the households that had not sent yet. */
  after: JoinOutcome[];
  killAtMs: number;
  restartMs: number;
  /** household → every idempotency key it used (one per household: retries reuse it). */
  keys: Map<string, string>;
};

/**
 * A flash at `concurrency`; once `killAfter` joins were acknowledged the server's process group
 * gets SIGKILL. Then it is started again and every household that got no answer submits again with
 * the same idempotency key (what the relay page does on a failed submit), and the rest join.
 */
export async function killDuringFlash(
  server: BenchServer,
  w: World,
  r: RelayRef,
  residents: Resident[],
  opts: { concurrency: number; killAfter: number },
): Promise<KillDrill> {
  const keys = new Map<string, string>();
  const acked: JoinOutcome[] = [];
  const ackedBy = new Map<string, Resident>();
  const retry: Resident[] = [];
  let killed = false;
  const killing: { done: Promise<void> } = { done: Promise.resolve() };
  const t0 = performance.now();
  let killAtMs = 0;
  await pool(residents.length, opts.concurrency, async (i) => {
    const h = residents[i]!;
    if (killed) {
      retry.push(h);
      return;
    }
    const key = `bench-kill-${h.householdId}`;
    keys.set(h.householdId, key);
    const o = await joinOverHttp(h.phoneClient, w, r, h.householdId, { key });
    // Whatever came back 200 with an order id was acknowledged, even a split second before the kill.
    if (o.kind === 'accepted') {
      acked.push(o);
      ackedBy.set(o.orderId!, h);
    } else if (o.kind !== 'rejected') retry.push(h);
    if (!killed && acked.length >= opts.killAfter) {
      killed = true;
      killAtMs = performance.now() - t0;
      killing.done = server.kill();
    }
  });
  await killing.done;
  const unanswered = retry.filter((h) => keys.has(h.householdId)).length;
  const restartMs = await server.start();
  const after = await pool(retry.length, opts.concurrency, async (i) => {
    const h = retry[i]!;
    const key = keys.get(h.householdId) ?? `bench-kill-${h.householdId}`;
    keys.set(h.householdId, key);
    return joinOverHttp(h.phoneClient, w, r, h.householdId, { key });
  });
  return { acked, ackedBy, unanswered, after, killAtMs: round(killAtMs), restartMs: round(restartMs), keys };
}

/** lost: acknowledged orders missing (or renumbered) in the database; duplicated: a household with two. */
export async function checkKillDrill(db: DbOrTx, w: World, r: RelayRef, drill: KillDrill) {
  const rows = await queryRows<{ id: string; seq: number; household_id: string; idempotency_key: string }>(
    db,
    sql`select id, seq, household_id, idempotency_key from orders where community_id = ${w.communityId}::uuid and relay_id = ${r.relayId}::uuid`,
  );
  const byId = new Map(rows.map((o) => [o.id, o]));
  const lost = drill.acked.filter((a) => {
    const o = byId.get(a.orderId!);
    return !o || Number(o.seq) !== a.seq;
  }).length;
  const perHousehold = new Map<string, number>();
  for (const o of rows) perHousehold.set(o.household_id, (perHousehold.get(o.household_id) ?? 0) + 1);
  const duplicated = [...perHousehold.values()].filter((n) => n > 1).length;
  // A retry answered with another order than the one acknowledged would also be a duplicate.
  const ackedByKey = new Map(drill.acked.map((a) => [a.key, a.orderId]));
  const conflicting = drill.after.filter(
    (a) => a.kind === 'accepted' && ackedByKey.has(a.key) && ackedByKey.get(a.key) !== a.orderId,
  ).length;
  const foreignKeys = rows.filter((o) => drill.keys.get(o.household_id) !== o.idempotency_key).length;
  return { orders_in_db: rows.length, lost, duplicated: duplicated + conflicting + foreignKeys };
}

/**
 * The state a webhook could change, one md5 per table (every column but `updated_at`), plus the
 * number of audit rows and notifications: a replayed event must not add either.
 */
export async function stateDigest(db: DbOrTx, communityId: string): Promise<Record<string, string>> {
  const tables = [
    'orders',
    'order_lines',
    'payments',
    'refunds',
    'relay_items',
    'relays',
    'household_item_totals',
  ];
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [row] = await queryRows<{ d: string | null; n: number }>(
      db,
      sql.raw(
        `select md5(coalesce(string_agg((to_jsonb(t) - 'updated_at')::text, '|' order by (to_jsonb(t))::text), '')) as d, count(*)::int as n
           from ${t} t where community_id = '${communityId}'`,
      ),
    );
    out[t] = `${row!.n}:${row!.d}`;
  }
  const [c] = await queryRows<{ audit: number; notifications: number; events: number }>(
    db,
    sql`select (select count(*)::int from audit_log where community_id = ${communityId}::uuid) as audit,
               (select count(*)::int from notifications where community_id = ${communityId}::uuid) as notifications,
               (select count(*)::int from stripe_events) as events`,
  );
  out.audit_rows = String(c!.audit);
  out.notifications = String(c!.notifications);
  out.stripe_events = String(c!.events);
  return out;
}

export function digestDiff(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
}

/** Confirms PaymentIntents at the mock the way Stripe.js does from the phone; returns the ones that succeeded. */
export async function payIntents(
  stripe: Stripe,
  intents: string[],
  opts: { declineEvery?: number; concurrency?: number } = {},
) {
  const results = await pool(intents.length, opts.concurrency ?? 8, async (i) => {
    const decline = opts.declineEvery ? i % opts.declineEvery === opts.declineEvery - 1 : false;
    try {
      const pi = await stripe.paymentIntents.confirm(intents[i]!, {
        payment_method: decline ? 'pm_card_chargeDeclined' : 'pm_card_visa',
        return_url: 'http://127.0.0.1/pay/return',
      });
      return pi.status === 'succeeded' ? intents[i]! : null;
    } catch {
      return null;
    }
  });
  return results.filter((x): x is string => x !== null);
}

/**
 * After the restart every household whose order was acknowledged before the kill opens its pay
 * page (payment.get): the order must be there and payable, with a PaymentIntent (made now if the
 * kill came between the join's commit and its intent). Returns how many were.
 */
export async function payableAfterRestart(w: World, drill: KillDrill): Promise<number> {
  const ok = await pool(drill.acked.length, 10, async (i) => {
    const a = drill.acked[i]!;
    const phone = drill.ackedBy.get(a.orderId!)!.phoneClient;
    const res = await phone.query<{ order: { id: string }; payment: { paymentIntentId: string } | null }>(
      'payment.get',
      {
        communityId: w.communityId,
        orderId: a.orderId,
      },
    );
    return res.ok && res.data.order.id === a.orderId && !!res.data.payment?.paymentIntentId;
  });
  return ok.filter(Boolean).length;
}
