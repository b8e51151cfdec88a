/**
 * The lifecycles of distribution: a delivery (dispatched → arrived), its batch at the gate
 * (received → disinfecting → released → distributing → completed) and each household's bag
 * (pending → delivered / exception → refunded), and a resident's problem report (open → accepted /
 * rejected). Their tables and their only writers
 * (docs/ARCHITECTURE.md, "Lifecycles"); tests/unit/transitions.test.ts fails when any other file
 * writes one of these status columns.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { bags, batches, deliveries, problemReports } from '@/db/schema';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';
import { BAG_TRANSITIONS, BATCH_TRANSITIONS, type BagStatus, type BatchStatus } from './rules';

export type DeliveryStatus = 'dispatched' | 'arrived';

export const DELIVERY_LIFECYCLE = defineLifecycle<DeliveryStatus>(
  'delivery',
  { dispatched: ['arrived'], arrived: [] },
  'DELIVERY_ILLEGAL_TRANSITION',
  '配送当前状态不允许此操作 / The delivery cannot make this change in its current state.',
);

export const BATCH_LIFECYCLE = defineLifecycle<BatchStatus>(
  'batch',
  BATCH_TRANSITIONS,
  'BATCH_ILLEGAL_TRANSITION',
  '批次当前状态不允许此操作 / The batch cannot make this change in its current state.',
);

export const BAG_LIFECYCLE = defineLifecycle<BagStatus>(
  'bag',
  BAG_TRANSITIONS,
  'BAG_ILLEGAL_TRANSITION',
  '袋子当前状态不允许此操作 / The bag cannot make this change in its current state.',
);

type ProblemStatus = 'open' | 'accepted' | 'rejected';

export const PROBLEM_LIFECYCLE = defineLifecycle<ProblemStatus>(
  'problem_report',
  { open: ['accepted', 'rejected'], accepted: [], rejected: [] },
  'PROBLEM_ILLEGAL_TRANSITION',
  '这条报告当前状态不允许此操作 / The report cannot make this change in its current state.',
);

/** Which rows of the compound: one, several, or those matching the caller's condition. */
type Rows = { communityId: string } & ({ id: string } | { ids: readonly string[] } | { matching: SQL });

function rowsOf<T extends typeof deliveries | typeof batches | typeof bags | typeof problemReports>(
  t: T,
  rows: Rows,
  extra?: SQL,
): SQL | undefined {
  return and(
    eq(t.communityId, rows.communityId),
    'id' in rows ? eq(t.id, rows.id) : 'ids' in rows ? inArray(t.id, [...rows.ids]) : rows.matching,
    extra,
  );
}

export function transitionDelivery(
  tx: DbOrTx,
  rows: Rows,
  to: DeliveryStatus,
  opts: { from?: readonly DeliveryStatus[]; set?: PgUpdateSetSource<typeof deliveries>; where?: SQL } = {},
) {
  return writeStatus(tx, deliveries, DELIVERY_LIFECYCLE, to, {
    where: rowsOf(deliveries, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}

export function transitionBatch(
  tx: DbOrTx,
  rows: Rows,
  to: BatchStatus,
  opts: { from?: readonly BatchStatus[]; set?: PgUpdateSetSource<typeof batches>; where?: SQL } = {},
) {
  return writeStatus(tx, batches, BATCH_LIFECYCLE, to, {
    where: rowsOf(batches, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}

export function transitionBag(
  tx: DbOrTx,
  rows: Rows,
  to: BagStatus,
  opts: { from?: readonly BagStatus[]; set?: PgUpdateSetSource<typeof bags>; where?: SQL } = {},
) {
  return writeStatus(tx, bags, BAG_LIFECYCLE, to, {
    where: rowsOf(bags, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}

export function transitionProblem(
  tx: DbOrTx,
  rows: Rows,
  to: ProblemStatus,
  opts: { from?: readonly ProblemStatus[]; set?: PgUpdateSetSource<typeof problemReports>; where?: SQL } = {},
) {
  return writeStatus(tx, problemReports, PROBLEM_LIFECYCLE, to, {
    where: rowsOf(problemReports, rows, opts.where),
    from: opts.from,
    set: opts.set,
  });
}
