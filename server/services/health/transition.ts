/**
 * The one way a health round or a building in a testing call order changes status. Every verb
 * (close a round, call / recall / skip / finish a building) goes through these: lock the row, check
 * the state it leaves against the table in rules.ts, write with a guarded UPDATE, audit — all in
 * the caller's transaction. Two coordinators pressing at once: one wins, the other gets
 * PRECONDITION_FAILED with the state it found. The state tables below are the lifecycles
 * (docs/ARCHITECTURE.md, "Lifecycles"); the actions of rules.ts are moves they allow, and
 * tests/unit/transitions.test.ts fails when any other file writes one of these status columns.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { healthRounds, testingBuildings } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import { notFound, preconditionFailed } from '@/server/services/shared/errors';
import { defineLifecycle, writeStatus } from '@/server/services/shared/lifecycle';
import { ROUND_NOT_FOUND, type RoundRow } from './internal';
import {
  BUILDING_TRANSITIONS,
  canTransition,
  ROUND_TRANSITIONS,
  type BuildingAction,
  type BuildingStatus,
  type RoundAction,
  type RoundStatus,
} from './rules';

export const ROUND_LIFECYCLE = defineLifecycle<RoundStatus>(
  'health_round',
  { open: ['closed', 'cancelled'], closed: [], cancelled: [] },
  'ROUND_ILLEGAL_TRANSITION',
  '该轮次当前状态不允许此操作 / The round cannot make this change in its current state.',
);

/**
 * queued → called → done; a queued or called building may be skipped, and a done or skipped one
 * called back. Calling an already called building again is a re-call, not a move: its status stays.
 */
export const TESTING_BUILDING_LIFECYCLE = defineLifecycle<BuildingStatus>(
  'testing_building',
  { queued: ['called', 'skipped'], called: ['done', 'skipped'], done: ['called'], skipped: ['called'] },
  'TESTING_BUILDING_ILLEGAL_TRANSITION',
  '该楼当前状态不允许此操作 / The building cannot make this change in its current state.',
);

type Common = { communityId: string; actorUserId: string; now: Date };

export async function transitionRound(
  tx: DbOrTx,
  args: Common & { roundId: string; action: RoundAction },
): Promise<RoundRow> {
  const where = and(eq(healthRounds.communityId, args.communityId), eq(healthRounds.id, args.roundId));
  const [before] = await tx.select().from(healthRounds).where(where).for('update');
  if (!before) throw ROUND_NOT_FOUND();
  const rule = ROUND_TRANSITIONS[args.action];
  if (!canTransition(ROUND_TRANSITIONS, args.action, before.status)) {
    throw preconditionFailed('ROUND_NOT_OPEN', '该轮次已结束 / This round is no longer open.', {
      details: { action: args.action, from: before.status },
    });
  }
  const [after] = await writeStatus(tx, healthRounds, ROUND_LIFECYCLE, rule.to, {
    where,
    from: [before.status],
    set: { closedAt: args.now, updatedAt: args.now },
  }).returning();
  await writeAudit(tx, {
    communityId: args.communityId,
    actorUserId: args.actorUserId,
    action: `health_round.${args.action}`,
    entityType: 'health_round',
    entityId: args.roundId,
    before: { status: before.status },
    after: { status: rule.to },
  });
  return after!;
}

type TestingBuildingRow = typeof testingBuildings.$inferSelect;

export async function transitionBuilding(
  tx: DbOrTx,
  args: Common & { roundId: string; buildingId: string; action: BuildingAction },
): Promise<{ before: TestingBuildingRow; after: TestingBuildingRow }> {
  const where = and(
    eq(testingBuildings.communityId, args.communityId),
    eq(testingBuildings.roundId, args.roundId),
    eq(testingBuildings.buildingId, args.buildingId),
  );
  const [before] = await tx.select().from(testingBuildings).where(where).for('update');
  if (!before)
    throw notFound('BUILDING_NOT_IN_SESSION', '该楼不在本次检测中 / Building not in this session.');
  const rule = BUILDING_TRANSITIONS[args.action];
  if (!canTransition(BUILDING_TRANSITIONS, args.action, before.status)) {
    throw preconditionFailed(
      `BUILDING_CANNOT_${args.action.toUpperCase()}`,
      `该楼现在是「${before.status}」，不能这样操作 / The building is ${before.status}; it cannot be ${args.action}ed now.`,
      { details: { action: args.action, from: before.status } },
    );
  }
  const calling = rule.to === 'called';
  const set = {
    ...(calling ? { calledAt: args.now, calls: before.calls + 1, doneAt: null } : {}),
    ...(rule.to === 'done' ? { doneAt: args.now } : {}),
    updatedAt: args.now,
  };
  const [after] =
    before.status === rule.to
      ? // A re-call of a called building: its status stays (no move), only the call is counted.
        await tx
          .update(testingBuildings)
          .set(set)
          .where(and(where, eq(testingBuildings.status, before.status)))
          .returning()
      : await writeStatus(tx, testingBuildings, TESTING_BUILDING_LIFECYCLE, rule.to, {
          where,
          from: [before.status],
          set,
        }).returning();
  await writeAudit(tx, {
    communityId: args.communityId,
    actorUserId: args.actorUserId,
    action: `testing_building.${args.action}`,
    entityType: 'testing_building',
    entityId: before.id,
    before: { status: before.status, roundId: args.roundId, buildingId: args.buildingId },
    after: { status: rule.to },
  });
  return { before, after: after! };
}
