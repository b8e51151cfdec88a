/**
 * The lifecycles of a need and of a volunteer's claim on it (docs/ARCHITECTURE.md, "Lifecycles"):
 * their tables (rules.ts) and their only writers. Each checks the move against the table, writes
 * with a guarded UPDATE (… WHERE status = from, shared/lifecycle.ts `writeStatus`) and the audit
 * row, in the caller's transaction. An illegal move is PRECONDITION_FAILED, never a silent no-op;
 * tests/unit/transitions.test.ts fails when any other file writes one of these status columns.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { needClaims, needs } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import { notFound, preconditionFailed, type ServiceError } from '@/server/services/shared/errors';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';
import {
  canClaimMove,
  canNeedMove,
  CLAIM_TRANSITIONS,
  NEED_TRANSITIONS,
  type ClaimStatus,
  type NeedStatus,
} from './rules';

export const NEED_LIFECYCLE = defineLifecycle<NeedStatus>(
  'need',
  NEED_TRANSITIONS,
  'NEED_ILLEGAL_TRANSITION',
  '该需求当前状态不允许此操作 / The need cannot make this change in its current state.',
);

export const NEED_CLAIM_LIFECYCLE = defineLifecycle<ClaimStatus>(
  'need_claim',
  CLAIM_TRANSITIONS,
  'NEED_ILLEGAL_TRANSITION',
  '该认领当前状态不允许此操作 / The claim cannot make this change in its current state.',
);

export type NeedRow = typeof needs.$inferSelect;
export type ClaimRow = typeof needClaims.$inferSelect;

export const needNotFound = () => notFound('NEED_NOT_FOUND', '找不到该需求 / Need not found.');

export async function lockNeed(tx: Tx, communityId: string, needId: string): Promise<NeedRow> {
  const [row] = await tx
    .select()
    .from(needs)
    .where(and(eq(needs.communityId, communityId), eq(needs.id, needId)))
    .for('update');
  if (!row) throw needNotFound();
  return row;
}

const illegal = (what: string, from: string, to: string) =>
  preconditionFailed(
    'NEED_ILLEGAL_TRANSITION',
    `该${what}当前状态为 ${from}，不能变为 ${to} / This ${what === '需求' ? 'need' : 'claim'} is ${from}; it cannot become ${to}.`,
    { details: { from, to } },
  );

export async function transitionNeed(
  tx: Tx,
  args: {
    need: NeedRow;
    to: NeedStatus;
    actorUserId: string | null;
    action: string;
    now: Date;
    set?: Partial<Omit<NeedRow, 'status' | 'communityId' | 'id'>>;
    /** The error when the move is illegal (e.g. NEED_ALREADY_CLAIMED for a claim race). */
    refuse?: () => ServiceError;
    payload?: Record<string, unknown>;
  },
): Promise<NeedRow> {
  const { need, to } = args;
  if (!canNeedMove(need.status, to)) throw args.refuse?.() ?? illegal('需求', need.status, to);
  const [after] = await writeStatus(tx, needs, NEED_LIFECYCLE, to, {
    where: and(eq(needs.communityId, need.communityId), eq(needs.id, need.id)),
    from: [need.status],
    set: { ...args.set, updatedAt: args.now },
  }).returning();
  if (!after) throw args.refuse?.() ?? illegal('需求', need.status, to);
  await writeAudit(tx, {
    communityId: need.communityId,
    actorUserId: args.actorUserId,
    action: `need.${args.action}`,
    entityType: 'need',
    entityId: need.id,
    before: { status: need.status },
    after: { status: to, ...args.payload },
  });
  return after;
}

export async function transitionClaim(
  tx: Tx,
  claim: ClaimRow,
  to: ClaimStatus,
  now: Date,
): Promise<ClaimRow> {
  if (!canClaimMove(claim.status, to)) throw illegal('认领', claim.status, to);
  const [after] = await writeStatus(tx, needClaims, NEED_CLAIM_LIFECYCLE, to, {
    where: and(eq(needClaims.communityId, claim.communityId), eq(needClaims.id, claim.id)),
    from: [claim.status],
    set: { updatedAt: now },
  }).returning();
  if (!after) throw illegal('认领', claim.status, to);
  return after;
}

/** The live claim of a need (there is at most one: a partial unique index holds it). */
export async function liveClaim(tx: Tx, need: NeedRow): Promise<ClaimRow | null> {
  const rows = await tx
    .select()
    .from(needClaims)
    .where(and(eq(needClaims.communityId, need.communityId), eq(needClaims.needId, need.id)))
    .for('update');
  return rows.find((r) => r.status === 'active' || r.status === 'bought') ?? null;
}
