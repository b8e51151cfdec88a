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
import { defineLifecycle, writeStatus, type Lifecycle } from '@/server/services/shared/lifecycle';
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

type DistributionTable = typeof deliveries | typeof batches | typeof bags | typeof problemReports;

/**
 * The writer of one table's status: `writeStatus` on the compound's rows (`rows`, narrowed by
 * `opts.where`), moving them to `to` from `opts.from` (default: every state that may), setting
 * `opts.set` beside the status.
 */
function writerOf<T extends DistributionTable, S extends string>(table: T, lc: Lifecycle<S>) {
  return (
    tx: DbOrTx,
    rows: Rows,
    to: S,
    opts: { from?: readonly S[]; set?: PgUpdateSetSource<T>; where?: SQL } = {},
  ) =>
    writeStatus(tx, table, lc, to, {
      where: and(
        eq(table.communityId, rows.communityId),
        'id' in rows
          ? eq(table.id, rows.id)
          : 'ids' in rows
            ? inArray(table.id, [...rows.ids])
            : rows.matching,
        opts.where,
      ),
      from: opts.from,
      set: opts.set,
    });
}

export const transitionDelivery = writerOf(deliveries, DELIVERY_LIFECYCLE);
export const transitionBatch = writerOf(batches, BATCH_LIFECYCLE);
export const transitionBag = writerOf(bags, BAG_LIFECYCLE);
export const transitionProblem = writerOf(problemReports, PROBLEM_LIFECYCLE);
