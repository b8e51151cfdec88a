/**
 * The baseline of the flash crowd: the statements of Linli's join transaction and nothing else,
 * sent straight to the database from this process —
 *   BEGIN; per line in item-id order the conditional stock UPDATE; the per-household limit
 *   upsert; the guarded next_seq UPDATE; INSERT the order; INSERT its lines; COMMIT
 * — with the same concurrency as the HTTP burst and the same connection budget as the server's
 * pool. No HTTP, no session, no tRPC, no validation reads, no audit row, no notification, no
 * PaymentIntent: what is left is the cost of the row locks and the commits themselves, which no
 * application on top of this database can beat.
 *
 * PostgreSQL: postgres.js, `max` connections (10, like the app's pool). PGlite: the same
 * transaction through the PGlite driver in this process, which is a single connection, so
 * transactions run one at a time however many callers wait (the app on PGlite has the same limit).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Driver } from '@/db/client';
import { pool } from './stats';
import type { Household, RelayRef } from './world';

type Query = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
type RunTx = <T>(fn: (q: Query) => Promise<T>) => Promise<T>;

export type BaselineConn = { runTx: RunTx; close: () => Promise<void>; driver: Driver };

export async function openBaseline(
  driver: Driver,
  target: { url?: string | null; dataDir?: string },
  max = 10,
): Promise<BaselineConn> {
  if (driver === 'postgres') {
    const { default: postgres } = await import('postgres');
    const client = postgres(target.url!, {
      max,
      onnotice: () => {},
      connection: { application_name: 'linli-bench-baseline' },
    });
    return {
      driver,
      // Prepared (parse and plan once per connection), as the baseline asks.
      runTx: (fn) =>
        client.begin((tx) =>
          fn((text, params) => tx.unsafe(text, params as never[], { prepare: true })),
        ) as never,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create({ dataDir: target.dataDir! });
  return {
    driver,
    runTx: (fn) =>
      pg.transaction((tx) =>
        fn(async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows),
      ),
    close: () => pg.close(),
  };
}

class Rejected extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export type AttemptOutcome = {
  ok: boolean;
  code: string | null;
  ms: number;
  at: number;
  orderId: string | null;
};

/**
 * `core`: the statements listed at the top. `full-tx`: every statement Linli's join transaction
 * sends — core plus the admission check, the audit row, the household's members and their
 * notification — still bare SQL from this process (a rung between the baseline and the service).
 */
export type BaselineVariant = 'core' | 'full-tx';

/** One household's join as bare SQL: 1 unit of the capped item, 1 of the open item. */
async function joinOnce(
  c: BaselineConn,
  communityId: string,
  r: RelayRef,
  h: Household,
  limit: number | null,
  variant: BaselineVariant = 'core',
  merchantId: string | null = null,
): Promise<AttemptOutcome> {
  const t = performance.now();
  // One line (the capped item): the cheapest honest transaction (issue 12), whatever the app sends.
  const lines = [{ itemId: r.cappedItemId, qty: 1, limited: limit !== null }];
  try {
    const orderId = await c.runTx(async (q) => {
      const prices = new Map<string, number>();
      if (variant === 'full-tx') {
        const adm = await q(
          `select a.status, m.food_permit_expires_on, m.vehicle_pass_expires_on from admissions a join merchants m on m.id = a.merchant_id
            where a.community_id = $1 and a.merchant_id = $2 for share of a`,
          [communityId, merchantId],
        );
        if (adm[0]?.status !== 'approved') throw new Rejected('ADMISSION_NOT_ACTIVE');
      }
      for (const l of lines) {
        const taken = await q(
          `update relay_items set sold = sold + $1
            where community_id = $2 and id = $3 and relay_id = $4 and (stock_cap is null or sold + $1 <= stock_cap)
        returning sold, unit_price_fen`,
          [l.qty, communityId, l.itemId, r.relayId],
        );
        if (taken.length === 0) throw new Rejected('RELAY_SOLD_OUT');
        prices.set(l.itemId, Number(taken[0]!.unit_price_fen));
        if (l.limited) {
          const ok = await q(
            `insert into household_item_totals (community_id, relay_item_id, household_id, qty) values ($1, $2, $3, $4)
             on conflict (community_id, relay_item_id, household_id)
             do update set qty = household_item_totals.qty + excluded.qty where household_item_totals.qty + excluded.qty <= $5
             returning qty`,
            [communityId, l.itemId, h.householdId, l.qty, limit],
          );
          if (ok.length === 0) throw new Rejected('RELAY_HOUSEHOLD_LIMIT');
        }
      }
      const [seq] = await q(
        `update relays set next_seq = next_seq + 1, chain_version = chain_version + 1, updated_at = now()
          where community_id = $1 and id = $2 and status = 'open' and closes_at > now()
      returning next_seq - 1 as seq, chain_version as version`,
        [communityId, r.relayId],
      );
      if (!seq) throw new Rejected('RELAY_CLOSED');
      const total = lines.reduce((s, l) => s + l.qty * prices.get(l.itemId)!, 0);
      const [order] = await q(
        `insert into orders (community_id, relay_id, seq, household_id, placed_by, status, total_fen, idempotency_key, hold_until, chain_version)
         values ($1, $2, $3, $4, $5, 'pending_payment', $6, $7, now() + interval '15 minutes', $8) returning id`,
        [
          communityId,
          r.relayId,
          seq.seq,
          h.householdId,
          h.userId,
          total,
          `bench-base-${randomUUID()}`,
          seq.version,
        ],
      );
      const orderId = String(order!.id);
      await q(
        `insert into order_lines (community_id, order_id, relay_item_id, qty, unit_price_fen) values ($1, $2, $3, $4, $5)`,
        [communityId, orderId, lines[0]!.itemId, lines[0]!.qty, prices.get(lines[0]!.itemId)],
      );
      if (variant === 'full-tx') {
        const after = JSON.stringify({
          relayId: r.relayId,
          seq: seq.seq,
          householdId: h.householdId,
          totalFen: total,
          lines,
        });
        await q(
          `insert into audit_log (community_id, actor_user_id, action, entity_type, entity_id, after) values ($1, $2, 'order.placed', 'order', $3, $4::jsonb)`,
          [communityId, h.userId, orderId, after],
        );
        const members = await q(
          `select user_id from memberships where community_id = $1 and household_id = $2 and role = 'resident'`,
          [communityId, h.householdId],
        );
        const payload = JSON.stringify({ orderId, relayId: r.relayId, seq: seq.seq, totalFen: total });
        for (const m of members) {
          await q(
            `insert into notifications (community_id, user_id, kind, payload) values ($1, $2, 'order.placed', $3::jsonb)`,
            [communityId, m.user_id, payload],
          );
        }
      }
      return orderId;
    });
    const at = performance.now();
    return { ok: true, code: null, ms: at - t, at, orderId };
  } catch (e) {
    const at = performance.now();
    if (e instanceof Rejected) return { ok: false, code: e.code, ms: at - t, at, orderId: null };
    throw e;
  }
}

export async function runBaselineBurst(
  c: BaselineConn,
  communityId: string,
  r: RelayRef,
  households: Household[],
  concurrency: number,
  limit: number | null,
  opts: { variant?: BaselineVariant; merchantId?: string } = {},
): Promise<{ outcomes: AttemptOutcome[]; wallMs: number }> {
  const t = performance.now();
  const outcomes = await pool(households.length, concurrency, (i) =>
    joinOnce(c, communityId, r, households[i]!, limit, opts.variant, opts.merchantId ?? null),
  );
  return { outcomes, wallMs: performance.now() - t };
}
