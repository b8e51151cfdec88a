/**
 * Lifecycles (docs/ARCHITECTURE.md, "Lifecycles"): every status column has one transition table
 * and one writer. A table lists, for each state, the states it may move to; `writeStatus` is the
 * only UPDATE of a status column: it sets the new state with a guard (`… AND status IN (the states
 * that may move there)`), so two app instances racing on one row cannot both win, and it refuses a
 * move the table does not allow with the lifecycle's stable error code. Each lifecycle's module
 * (relay/lifecycle.ts, distribution/lifecycle.ts, merchant/transition.ts) wraps it per table;
 * tests/unit/transitions.test.ts walks every pair of states and fails when any other file writes
 * a status column.
 */
import { and, inArray, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { preconditionFailed, type ServiceError } from './errors';

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export type Lifecycle<S extends string> = {
  /** `relay`, `order`, … (the entity, in error details and docs). */
  readonly name: string;
  readonly states: readonly S[];
  readonly table: TransitionTable<S>;
  /** The stable code of a move the table does not allow: `ORDER_ILLEGAL_TRANSITION`. */
  readonly code: string;
  readonly message: string;
};

export function defineLifecycle<S extends string>(
  name: string,
  table: TransitionTable<S>,
  code: string,
  message: string,
): Lifecycle<S> {
  return { name, states: Object.keys(table) as S[], table, code, message };
}

export function canMove<S extends string>(lc: Lifecycle<S>, from: S, to: S): boolean {
  return lc.table[from]?.includes(to) ?? false;
}

/** The states a row may be in to move to `to`. */
export function sourcesOf<S extends string>(lc: Lifecycle<S>, to: S): S[] {
  return lc.states.filter((s) => lc.table[s].includes(to));
}

export function isFinal<S extends string>(lc: Lifecycle<S>, state: S): boolean {
  return lc.table[state].length === 0;
}

export function illegalMove<S extends string>(
  lc: Lifecycle<S>,
  from: S | null | undefined,
  to: S,
): ServiceError {
  return preconditionFailed(lc.code, lc.message, { details: { entity: lc.name, from: from ?? null, to } });
}

/** Throws the lifecycle's stable PRECONDITION_FAILED error unless `from → to` is in its table. */
export function assertMove<S extends string>(lc: Lifecycle<S>, from: S, to: S): void {
  if (!canMove(lc, from, to)) throw illegalMove(lc, from, to);
}

type StatusTable = PgTable & { status: AnyPgColumn };

/**
 * `UPDATE <table> SET status = to, …set WHERE <where> AND status IN (from)`; returns the builder so
 * the caller adds `.returning()`. `from` defaults to every state that may move to `to`; a narrower
 * `from` is checked against the table (a move the table lacks is refused before any SQL runs).
 * No row matched means the row was not in a state it could leave: the caller decides whether that
 * is an error (one row) or nothing to do (a sweep).
 */
export function writeStatus<T extends StatusTable, S extends string>(
  tx: DbOrTx,
  table: T,
  lc: Lifecycle<S>,
  to: S,
  opts: { where: SQL | undefined; from?: readonly S[]; set?: PgUpdateSetSource<T> },
) {
  const from = opts.from ?? sourcesOf(lc, to);
  for (const f of from) assertMove(lc, f, to);
  return tx
    .update(table)
    .set({ ...opts.set, status: to } as PgUpdateSetSource<T>)
    .where(and(opts.where, inArray(table.status, [...from])));
}

/** The table as docs/ARCHITECTURE.md prints it (a test checks the document against this). */
export function renderLifecycle<S extends string>(lc: Lifecycle<S>): string {
  const rows = lc.states.map((s) => {
    const to = lc.table[s];
    return `| \`${s}\` | ${to.length ? to.map((t) => `\`${t}\``).join(', ') : '— (final)'} |`;
  });
  return [
    `**${lc.name}** (illegal move: \`${lc.code}\`)`,
    '',
    '| from | may move to |',
    '| --- | --- |',
    ...rows,
  ].join('\n');
}
