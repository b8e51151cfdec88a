/** The shared step of calling a building (call next, recall): the transition and the residents' notice. */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { buildings, healthRounds } from '@/db/schema';
import { queryRows } from '@/db/client';
import { preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { loadRound } from './internal';
import { transitionBuilding } from './transition';
import type { BuildingAction } from './rules';

/** The round, locked, and open; calls on a closed session are refused. */
export async function openTestingRound(tx: Tx, communityId: string, roundId: string) {
  const round = await loadRound(tx, communityId, roundId, 'testing', 'update');
  if (round.status !== 'open')
    throw preconditionFailed('ROUND_NOT_OPEN', '本次检测已结束 / This testing session has ended.');
  return round;
}

/**
 * Calls (or recalls) one building and tells its residents — only them (叫到哪栋哪栋动). In-app
 * notices; there is no SMS sender on main yet (see docs/HEALTH.md).
 */
export async function callBuilding(
  tx: Tx,
  a: {
    communityId: string;
    roundId: string;
    buildingId: string;
    action: BuildingAction;
    actorUserId: string;
    now: Date;
  },
) {
  const { after } = await transitionBuilding(tx, a);
  const [b] = await tx
    .select({ number: buildings.number })
    .from(buildings)
    .where(and(eq(buildings.communityId, a.communityId), eq(buildings.id, a.buildingId)));
  const [round] = await tx
    .select({ title: healthRounds.title })
    .from(healthRounds)
    .where(and(eq(healthRounds.communityId, a.communityId), eq(healthRounds.id, a.roundId)));
  const residents = await queryRows<{ user_id: string }>(
    tx,
    sql`select distinct m.user_id from memberships m
          join households h on h.community_id = m.community_id and h.id = m.household_id
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
         where m.community_id = ${a.communityId} and m.role = 'resident' and s.building_id = ${a.buildingId}`,
  );
  await notifyUsers(
    tx,
    residents.map((r) => ({
      communityId: a.communityId,
      userId: r.user_id,
      kind: 'testing.called',
      payload: {
        roundId: a.roundId,
        title: round?.title ?? '',
        building: b?.number ?? '',
        recall: a.action === 'recall',
        href: `/r/${a.communityId}/health/testing/${a.roundId}`,
      },
    })),
  );
  return {
    building: b?.number ?? '',
    notified: residents.length,
    status: after.status,
    calledAt: after.calledAt,
  };
}
