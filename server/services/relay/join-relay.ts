import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { preparedRows, type Tx } from '@/db/client';
import { DEFAULT_COMMUNITY_SETTINGS, householdItemTotals, relayItems } from '@/db/schema';
import { ADMISSION_REFUSALS } from '@/server/services/merchant/admission-guard';
import { myMemberships, requireUser } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import {
  badRequest,
  conflict,
  isServiceError,
  notFound,
  pgErrorCode,
  PG_CHECK_VIOLATION,
  PG_SERIALIZATION_FAILURE,
  PG_UNIQUE_VIOLATION,
  unprocessable,
  type ServiceError,
} from '@/server/services/shared/errors';
import { idOf, SafeString } from '@/server/services/shared/zod';
import { CHAIN_CHANNEL, publishChainChange } from './chain-bus';
import { IdempotencyKey, Quantity, RelayRef } from './fields';
import {
  assertJoinable,
  householdLimitError,
  soldOutError,
  validateQty,
  type RelayStatus,
  type RequestedLine,
} from './rules';
import { localDate } from '@/server/services/shared/time';
import { yuan } from '@/server/services/shared/money';
import { maskName } from '@/server/services/shared/privacy';
import { smsOrderNotice } from '@/server/messaging/order-sms';
import { extendCareHold } from './load';

export const JoinRelayInput = RelayRef.extend({
  householdId: idOf('住户'),
  lines: z
    .array(z.object({ relayItemId: idOf('商品'), qty: Quantity }).strict())
    .min(1, { error: '请至少选择一件商品 / Choose at least one item.' })
    .max(50),
  /** One per form submission, made on the phone: a retried submit returns the first order. */
  idempotencyKey: IdempotencyKey,
  note: SafeString.max(200).optional(),
  /**
   * What the phone showed as the total. Never used for money — the server computes the total from
   * the snapshotted prices — but a mismatch means the page is stale or tampered with, and the
   * person should see the real price before committing.
   */
  expectedTotalFen: z.number().int().min(0).optional(),
});
export type JoinRelayInput = z.infer<typeof JoinRelayInput>;

export type JoinedOrder = {
  orderId: string;
  seq: number;
  status: 'pending_payment' | 'paid' | 'fulfilled' | 'short' | 'cancelled' | 'expired';
  totalFen: number;
  holdUntil: Date | null;
  onBehalf: boolean;
  doorDelivery: boolean;
};

/** No PaymentIntent here: it is made when the payer chooses a method on the pay page. */
export type JoinRelayResult = { order: JoinedOrder; replayed: boolean };

/** SQLSTATE of a refusal raised by linli_join_relay() (db/migrations/0010_join_relay_function.sql). */
const JOIN_REFUSAL = 'LNJ01';
const PG_DEADLOCK = '40P01';

type Merged = { lines: RequestedLine[]; firstIndex: number[] };

/** Quantities checked, duplicates of one item merged, sorted by item id (the lock order). */
function mergeLines(lines: readonly RequestedLine[]): Merged {
  if (lines.length === 0)
    throw badRequest('ORDER_EMPTY', '请至少选择一件商品 / Choose at least one item.', { field: 'lines' });
  const merged = new Map<string, { qty: number; index: number }>();
  lines.forEach((l, index) => {
    validateQty(l.qty, `lines.${index}.qty`);
    const had = merged.get(l.relayItemId);
    merged.set(l.relayItemId, { qty: (had?.qty ?? 0) + l.qty, index: had?.index ?? index });
  });
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    lines: sorted.map(([relayItemId, m]) => ({ relayItemId, qty: m.qty })),
    firstIndex: sorted.map(([, m]) => m.index),
  };
}

/**
 * What makes two submissions "the same request" for the idempotency key: the household, the
 * merged lines and the note. (The relay is compared on its own: another relay is KEY_REUSED.)
 */
export function joinRequestHash(householdId: string, lines: readonly RequestedLine[], note: string): string {
  const canonical = JSON.stringify([householdId, lines.map((l) => [l.relayItemId, l.qty]), note]);
  return createHash('sha256').update(canonical).digest('base64url');
}

type JoinRow = {
  orderId: string;
  seq: number;
  status: JoinedOrder['status'];
  totalFen: number;
  holdUntil: string | null;
  onBehalf: boolean;
  doorDelivery: boolean;
  version: number;
  replayed: boolean;
};

/**
 * 接龙: joins a relay for a household in ONE statement, `linli_join_relay()` (a SQL function
 * created by db/migrations/0010_join_relay_function.sql), prepared on PostgreSQL. In its implicit
 * transaction it does: the replay check (the same idempotency key returns the first order; the
 * same key with a different request is refused with IDEMPOTENCY_KEY_MISMATCH), the household scope
 * (own household, or 代下单 by a coordinator or the stairwell's volunteer), the relay window, the
 * items and the per-household limits, the sold-out fast path from the snapshot, the admission
 * (FOR SHARE), stock per line with one conditional UPDATE (the CHECK `sold <= stock_cap` backs it),
 * the household's units with one conditional upsert, the 接龙号 LAST (a refused join never consumes
 * a number, so accepted numbers are gap-free), the order, its lines, the audit row, the household's
 * notifications and, on PostgreSQL, the chain NOTIFY (delivered at commit). A refusal comes back as
 * SQLSTATE LNJ01 with the stable code; it is mapped to the same ServiceError as before.
 *
 * With the session and the memberships (read once per request, shared with the procedure's role
 * check) an accepted join is 3 round trips to the database.
 */
export async function joinRelay({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: JoinRelayInput;
}): Promise<JoinRelayResult> {
  requireUser(ctx);
  const { communityId, relayId } = input;
  const key = requireIdempotencyKey(input.idempotencyKey);
  const merged = mergeLines(input.lines);
  const note = (input.note ?? '').slice(0, 200);
  const mine = await myMemberships(ctx, communityId);
  const now = ctx.now();
  const call = () => callJoinFunction(ctx, input, { key, merged, note, mine, now });
  const row = await withRetries(ctx, input, now, call);
  if (!row.replayed && ctx.database.driver !== 'postgres') {
    // PGlite: one process, the doorbell rings in-process (PostgreSQL sent NOTIFY with the commit).
    await publishChainChange(ctx.database, { communityId, relayId, version: row.version });
  }
  let hold = row.holdUntil ? new Date(row.holdUntil) : null;
  if (!row.replayed && row.onBehalf) hold = await followUpOnBehalf(ctx, input, row, now, hold);
  const order: JoinedOrder = {
    orderId: row.orderId,
    seq: Number(row.seq),
    status: row.status,
    totalFen: Number(row.totalFen),
    holdUntil: hold,
    onBehalf: row.onBehalf,
    doorDelivery: row.doorDelivery,
  };
  return { order, replayed: row.replayed };
}

function requireIdempotencyKey(raw: string): string {
  const key = raw.trim();
  if (key.length < 8 || key.length > 100) {
    throw badRequest(
      'IDEMPOTENCY_KEY_INVALID',
      '请求缺少有效的幂等键 / The request needs a valid idempotency key.',
      { field: 'idempotencyKey' },
    );
  }
  return key;
}

/** The whole join as one call of `linli_join_relay` (a prepared statement). */
function callJoinFunction(
  ctx: AuthedContext,
  input: JoinRelayInput,
  a: {
    key: string;
    merged: ReturnType<typeof mergeLines>;
    note: string;
    mine: Awaited<ReturnType<typeof myMemberships>>;
    now: Date;
  },
) {
  const { key, merged, note, mine, now } = a;
  return preparedRows<{ j: JoinRow | string }>(
    ctx.db,
    'linli_join_relay',
    sql`select linli_join_relay(
          ${input.communityId}::uuid, ${input.relayId}::uuid, ${input.householdId}::uuid, ${ctx.user.id}::uuid,
          ${ctx.user.name}, ${key}, ${joinRequestHash(input.householdId, merged.lines, note)},
          ${pgArray(merged.lines.map((l) => l.relayItemId))}::uuid[],
          ${pgArray(merged.lines.map((l) => l.qty))}::int[],
          ${pgArray(merged.firstIndex)}::int[],
          ${note}, ${input.expectedTotalFen ?? null}::bigint,
          ${now.toISOString()}::timestamptz, ${localDate(now)}::date,
          ${DEFAULT_COMMUNITY_SETTINGS.unpaidHoldMinutes}::int,
          ${pgArray(mine.map((m) => m.role))}::text[],
          ${pgArray(mine.flatMap((m) => (m.role === 'resident' && m.householdId ? [m.householdId] : [])))}::uuid[],
          ${ctx.database.driver === 'postgres' ? CHAIN_CHANNEL : null}::text
        ) as j`,
  );
}

/**
 * 代下单 for a care household: the longer hold (while unpaid), and a text to its registered
 * contact. Returns the order's hold.
 */
async function followUpOnBehalf(
  ctx: AuthedContext,
  input: JoinRelayInput,
  row: JoinRow,
  now: Date,
  hold: Date | null,
): Promise<Date | null> {
  const { communityId, householdId } = input;
  if (row.status === 'pending_payment') {
    hold = (await extendCareHold(ctx.db, { communityId, orderId: row.orderId, householdId }, now)) ?? hold;
  }
  await smsOrderNotice(ctx.db, {
    communityId,
    householdId,
    kind: 'order.placed_on_behalf',
    about: row.orderId,
    params: { seq: String(row.seq), amount: yuan(Number(row.totalFen)), by: maskName(ctx.user.name) },
  });
  return hold;
}

/**
 * One statement, retried only where PostgreSQL asks for it: a deadlock or serialization failure
 * (never expected: locks are taken in one order), or a unique violation from a concurrent retry of
 * the same key that committed first — the next call answers its order.
 */
async function withRetries(
  ctx: AuthedContext,
  input: JoinRelayInput,
  now: Date,
  call: () => Promise<{ j: JoinRow | string }[]>,
): Promise<JoinRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [res] = await call();
      const j = res!.j;
      return typeof j === 'string' ? (JSON.parse(j) as JoinRow) : j;
    } catch (e) {
      const code = pgErrorCode(e);
      if (code === JOIN_REFUSAL) throw refusal(e, input, now);
      if (code === PG_CHECK_VIOLATION) {
        // Only reachable if the conditional UPDATE were bypassed: the CHECK is the last line.
        throw conflict('RELAY_SOLD_OUT', '商品已抢完 / Sold out.', { field: 'lines' });
      }
      const retryable =
        code === PG_UNIQUE_VIOLATION || code === PG_DEADLOCK || code === PG_SERIALIZATION_FAILURE;
      if (!retryable || attempt >= 4) throw e;
      if (code !== PG_UNIQUE_VIOLATION) {
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 20)));
      }
    }
  }
}

/** A postgres array literal for one bound parameter (both drivers take it as text). */
function pgArray(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

type RefusalDetails = Record<string, unknown> & {
  relayItemId?: string;
  itemName?: string;
  remaining?: number;
  limit?: number;
  already?: number;
  index?: number;
  totalFen?: number;
  status?: RelayStatus;
  opensAt?: string;
  closesAt?: string;
};

/** The function's refusal code, mapped to the same ServiceError the join always answered. */
function refusal(e: unknown, input: JoinRelayInput, now: Date): ServiceError {
  // drizzle wraps the driver's error (`cause`); the one carrying the SQLSTATE has message and detail.
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && (cur as { code?: unknown }).code !== JOIN_REFUSAL) {
    cur = (cur as { cause?: unknown }).cause;
  }
  const err = (cur ?? {}) as { message?: string; detail?: string };
  const code = String(err.message ?? '');
  let d: RefusalDetails = {};
  try {
    d = JSON.parse(err.detail ?? '{}') as RefusalDetails;
  } catch {
    /* no details */
  }
  const item = { id: d.relayItemId ?? '', name: d.itemName ?? '', perHouseholdLimit: d.limit ?? null };
  switch (code) {
    case 'IDEMPOTENCY_KEY_REUSED':
      return conflict(
        'IDEMPOTENCY_KEY_REUSED',
        '这个请求编号已用于另一个接龙 / This request id was already used for another relay.',
        { field: 'idempotencyKey' },
      );
    case 'IDEMPOTENCY_KEY_MISMATCH':
      // 422 as Stripe answers it: the key names a request that said something else. Not a 409: no
      // state conflicts with this one; the phone must make a new key for a changed form.
      return unprocessable(
        'IDEMPOTENCY_KEY_MISMATCH',
        '这个请求编号已用于内容不同的下单，请刷新后重新提交 / This request id was used for a different order; refresh and submit again.',
        { field: 'idempotencyKey' },
      );
    case 'HOUSEHOLD_NOT_FOUND':
      return notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.', { field: 'householdId' });
    case 'RELAY_NOT_FOUND':
      return notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
    case 'RELAY_NOT_JOINABLE':
      try {
        assertJoinable(
          { status: d.status!, opensAt: new Date(d.opensAt!), closesAt: new Date(d.closesAt!) },
          now,
        );
      } catch (j) {
        if (isServiceError(j)) return j;
      }
      return conflict('RELAY_CLOSED', '该接龙已截单 / This relay is closed.');
    case 'RELAY_ITEM_NOT_IN_RELAY':
      return badRequest(
        'RELAY_ITEM_NOT_IN_RELAY',
        '所选商品不属于这个接龙 / That item is not part of this relay.',
        { field: `lines.${d.index ?? 0}.relayItemId`, details: { relayItemId: d.relayItemId } },
      );
    case 'RELAY_HOUSEHOLD_LIMIT':
      return householdLimitError(item, d.already ?? 0);
    case 'RELAY_SOLD_OUT':
      return soldOutError(item, d.remaining ?? 0);
    case 'ORDER_TOTAL_MISMATCH':
      return conflict(
        'ORDER_TOTAL_MISMATCH',
        '价格已更新，请核对后再提交 / The price shown is out of date; check the total and submit again.',
        { field: 'expectedTotalFen', details: { totalFen: d.totalFen } },
      );
    case 'ADMISSION_NOT_APPROVED':
    case 'ADMISSION_EXPIRED':
    case 'ADMISSION_SUSPENDED':
      return ADMISSION_REFUSALS[code]();
    default:
      throw new Error(`join: unknown refusal ${code} for relay ${input.relayId}`, { cause: e });
  }
}

type ItemRow = typeof relayItems.$inferSelect;

/** Gives units back (cancel, reduce, expiry); the household's total goes down with them. */
export async function returnStock(
  tx: Tx,
  communityId: string,
  item: Pick<ItemRow, 'id' | 'perHouseholdLimit'>,
  householdId: string,
  qty: number,
) {
  await tx
    .update(relayItems)
    .set({ sold: sql`${relayItems.sold} - ${qty}` })
    .where(and(eq(relayItems.communityId, communityId), eq(relayItems.id, item.id)));
  await tx
    .update(householdItemTotals)
    .set({ qty: sql`greatest(${householdItemTotals.qty} - ${qty}, 0)` })
    .where(
      and(
        eq(householdItemTotals.communityId, communityId),
        eq(householdItemTotals.relayItemId, item.id),
        eq(householdItemTotals.householdId, householdId),
      ),
    );
}
