/**
 * One household's 接龙 over HTTP, the request the relay page sends: `relay.join` with the phone's
 * session cookie and a fresh idempotency key per form submission (a retry reuses it). Outcomes are
 * classified the way the bench reports them: accepted (200 with an order id), rejected with a
 * stable code (4xx), server error (5xx) or no answer (the connection failed).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { Phone } from './http';
import { latencies, round } from './stats';
import type { RelayRef, World } from './world';

export const JOIN_PROCEDURE = 'relay.join';

export type JoinOutcome = {
  kind: 'accepted' | 'rejected' | 'error' | 'no-answer';
  status: number;
  code: string | null;
  ms: number;
  /** performance.now() when the answer arrived. */
  at: number;
  orderId: string | null;
  seq: number | null;
  paymentIntentId: string | null;
  replayed: boolean;
  key: string;
};

type JoinData = {
  order: { orderId: string; seq: number };
  payment: { paymentIntentId: string } | null;
  replayed: boolean;
};

export function newJoinKey(): string {
  return `bench-${randomUUID()}`;
}

export async function joinOverHttp(
  phone: Phone,
  w: World,
  r: RelayRef,
  householdId: string,
  opts: { key?: string; cappedQty?: number; signal?: AbortSignal } = {},
): Promise<JoinOutcome> {
  const key = opts.key ?? newJoinKey();
  const t = performance.now();
  const input = {
    communityId: w.communityId,
    relayId: r.relayId,
    householdId,
    lines: [
      { relayItemId: r.cappedItemId, qty: opts.cappedQty ?? 1 },
      { relayItemId: r.openItemId, qty: 1 },
    ],
    idempotencyKey: key,
  };
  try {
    const res = await phone.mutate<JoinData>(JOIN_PROCEDURE, input, opts.signal);
    const at = performance.now();
    if (res.ok) {
      return {
        kind: 'accepted',
        status: res.status,
        code: null,
        ms: at - t,
        at,
        orderId: res.data.order.orderId,
        seq: res.data.order.seq,
        paymentIntentId: res.data.payment?.paymentIntentId ?? null,
        replayed: res.data.replayed,
        key,
      };
    }
    return {
      kind: res.status >= 500 ? 'error' : 'rejected',
      status: res.status,
      code: res.error.appCode ?? res.error.code,
      ms: at - t,
      at,
      orderId: null,
      seq: null,
      paymentIntentId: null,
      replayed: false,
      key,
    };
  } catch (e) {
    const at = performance.now();
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    return {
      kind: 'no-answer',
      status: 0,
      code: cause,
      ms: at - t,
      at,
      orderId: null,
      seq: null,
      paymentIntentId: null,
      replayed: false,
      key,
    };
  }
}

/** accepted / rejected (by code) / errors, throughput and latency of one burst. */
export function summarizeBurst(
  outcomes: { kind: string; code: string | null; ms: number; at?: number }[],
  wallMs: number,
  startedAt: number,
) {
  const accepted = outcomes.filter((o) => o.kind === 'accepted');
  const rejected = outcomes.filter((o) => o.kind === 'rejected');
  const codes: Record<string, number> = {};
  for (const o of rejected) codes[o.code ?? '?'] = (codes[o.code ?? '?'] ?? 0) + 1;
  // Orders per second while there was stock to sell: until the last accepted order was answered.
  const lastAccepted = Math.max(...accepted.map((o) => o.at ?? startedAt + wallMs));
  const sellMs = accepted.length ? lastAccepted - startedAt : wallMs;
  const lat = latencies(outcomes.map((o) => o.ms));
  const acceptedLat = latencies(accepted.map((o) => o.ms));
  return {
    attempts: outcomes.length,
    accepted: accepted.length,
    rejected: rejected.length,
    rejected_codes: Object.entries(codes)
      .map(([k, v]) => `${k}:${v}`)
      .join(' '),
    errors_5xx: outcomes.filter((o) => o.kind === 'error').length,
    no_answer: outcomes.filter((o) => o.kind === 'no-answer').length,
    orders_per_s: round((accepted.length / sellMs) * 1000),
    attempts_per_s: round((outcomes.length / wallMs) * 1000),
    wall_ms: round(wallMs),
    sellout_ms: round(sellMs),
    p50_ms: lat.p50,
    p95_ms: lat.p95,
    p99_ms: lat.p99,
    max_ms: lat.max,
    accepted_p50_ms: acceptedLat.p50,
  };
}

/**
 * What the database says about a relay after a burst: units sold of the capped item against its
 * cap, both as the `sold` counter and as the sum over live orders' lines; live orders; whether the
 * 接龙号 are unique and gap-free.
 */
export async function relayFacts(db: DbOrTx, w: World, r: RelayRef) {
  const [f] = await queryRows<{
    cap: number | null;
    sold: number;
    line_units: number;
    orders: number;
    seqs: number;
    max_seq: number;
    households_twice: number;
  }>(
    db,
    sql`select ri.stock_cap as cap, ri.sold,
               (select coalesce(sum(l.qty), 0)::int from order_lines l join orders o on o.community_id = l.community_id and o.id = l.order_id
                 where l.community_id = ri.community_id and l.relay_item_id = ri.id and o.status in ('pending_payment', 'paid', 'fulfilled', 'short')) as line_units,
               (select count(*)::int from orders o where o.community_id = ri.community_id and o.relay_id = ri.relay_id) as orders,
               (select count(distinct seq)::int from orders o where o.community_id = ri.community_id and o.relay_id = ri.relay_id) as seqs,
               (select coalesce(max(seq), 0)::int from orders o where o.community_id = ri.community_id and o.relay_id = ri.relay_id) as max_seq,
               (select count(*)::int from (select household_id from orders o where o.community_id = ri.community_id and o.relay_id = ri.relay_id
                                            and o.status <> 'cancelled' group by household_id having count(*) > 1) d) as households_twice
          from relay_items ri where ri.community_id = ${w.communityId}::uuid and ri.id = ${r.cappedItemId}::uuid`,
  );
  if (!f) throw new Error(`relay item ${r.cappedItemId} not found`);
  const cap = f.cap ?? Infinity;
  return {
    cap: f.cap,
    sold: Number(f.sold),
    line_units: Number(f.line_units),
    orders_in_db: Number(f.orders),
    oversold: Math.max(0, Number(f.sold) - cap, Number(f.line_units) - cap),
    seq_unique: Number(f.seqs) === Number(f.orders),
    seq_gap_free: Number(f.max_seq) === Number(f.orders),
    households_twice: Number(f.households_twice),
  };
}
