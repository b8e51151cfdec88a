/**
 * The relay's and the order's lifecycles: their transition tables and their only writers
 * (docs/ARCHITECTURE.md, "Lifecycles"). Every change of `relays.status` or `orders.status` goes
 * through `transitionRelays` / `transitionOrders`; tests/unit/transitions.test.ts fails when any
 * other file writes either column.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { orders, relays } from '@/db/schema';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';
import type { OrderStatus, RelayStatus } from './rules';

/**
 * draft → open → closed → formed → dispatched → arrived → distributing → completed; a closed relay
 * that misses its threshold fails; until it forms, the merchant may cancel it. A relay closed early
 * by hand may be reopened while its undo window runs (nothing was decided yet). After forming the
 * goods are bought and the shortfall settlement (distribution) is the way money goes back.
 */
export const RELAY_LIFECYCLE = defineLifecycle<RelayStatus>(
  'relay',
  {
    draft: ['open', 'cancelled'],
    open: ['closed', 'cancelled'],
    // closed → open: the undo of 提前截单 inside its window (relay/undo-close-relay.ts).
    closed: ['open', 'formed', 'failed', 'cancelled'],
    formed: ['dispatched'],
    dispatched: ['arrived'],
    arrived: ['distributing'],
    distributing: ['completed'],
    failed: [],
    // Back to distributing only when the check-off that completed its batch is undone.
    completed: ['distributing'],
    cancelled: [],
  },
  'RELAY_ILLEGAL_TRANSITION',
  '接龙当前状态不允许此操作 / The relay cannot make this change in its current state.',
);

/**
 * An order holds stock while it waits for payment; unpaid it expires, or its household or the
 * relay cancels it; paid, it is fulfilled at the door or short (the merchant delivered less —
 * also after a delivered bag, when the shortfall is settled later).
 */
export const ORDER_LIFECYCLE = defineLifecycle<OrderStatus>(
  'order',
  {
    pending_payment: ['paid', 'cancelled', 'expired'],
    paid: ['fulfilled', 'short', 'cancelled'],
    // fulfilled → paid: the ✓ 送达 that fulfilled it was undone (distribution/undo-check-off.ts).
    fulfilled: ['short', 'paid'],
    short: [],
    cancelled: [],
    expired: [],
  },
  'ORDER_ILLEGAL_TRANSITION',
  '订单当前状态不允许此操作 / The order cannot make this change in its current state.',
);

type Rows = { communityId: string } & ({ id: string } | { ids: readonly string[] } | { relayId: string });

function rowsOf<T extends typeof relays | typeof orders>(t: T, rows: Rows, extra?: SQL): SQL | undefined {
  const which =
    'id' in rows
      ? eq(t.id, rows.id)
      : 'ids' in rows
        ? inArray(t.id, [...rows.ids])
        : eq((t as typeof orders).relayId, rows.relayId);
  return and(eq(t.communityId, rows.communityId), which, extra);
}

/** Moves relays to `to` (guarded by the table); add `.returning()` to see which moved. */
export function transitionRelays(
  tx: DbOrTx,
  rows: Rows,
  to: RelayStatus,
  opts: { from?: readonly RelayStatus[]; set?: PgUpdateSetSource<typeof relays>; where?: SQL } = {},
) {
  return writeStatus(tx, relays, RELAY_LIFECYCLE, to, {
    where: rowsOf(relays, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}

/** Moves orders to `to` (guarded by the table); `where` adds the caller's own guard (revision, hold). */
export function transitionOrders(
  tx: DbOrTx,
  rows: Rows,
  to: OrderStatus,
  opts: { from?: readonly OrderStatus[]; set?: PgUpdateSetSource<typeof orders>; where?: SQL } = {},
) {
  return writeStatus(tx, orders, ORDER_LIFECYCLE, to, {
    where: rowsOf(orders, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}
