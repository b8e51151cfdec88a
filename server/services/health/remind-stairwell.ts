import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, selfTestReports, stairwellAssignments, stairwells } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { id, iso, loadRound, parseInput, rolesIn } from './internal';
import { isEditable } from './rules';
import { STAIRWELL_NOT_FOUND } from './submit-self-test';
import { inTransaction } from '@/server/services/shared/tx';

export const RemindStairwellInput = z.object({ communityId: id, roundId: id, stairwellId: id });
export type RemindStairwellInput = z.infer<typeof RemindStairwellInput>;

/** The committee's one-tap reminder to a stairwell that has not filled its row: its leader and volunteers are told. */
export async function remindStairwell({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(RemindStairwellInput, raw);
  const { communityId, roundId, stairwellId } = input;
  const me = await rolesIn(ctx, communityId, ['admin', 'owner']);
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const round = await loadRound(tx, communityId, roundId, 'self_test');
    if (!isEditable(round, now))
      throw preconditionFailed('ROUND_DEADLINE_PASSED', '已过填报截止时间 / The deadline has passed.');
    const [place] = await tx
      .select({ building: buildings.number, stairwell: stairwells.number })
      .from(stairwells)
      .innerJoin(
        buildings,
        and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
      )
      .where(and(eq(stairwells.communityId, communityId), eq(stairwells.id, stairwellId)));
    if (!place) throw STAIRWELL_NOT_FOUND();
    const [done] = await tx
      .select({ id: selfTestReports.id })
      .from(selfTestReports)
      .where(
        and(
          eq(selfTestReports.communityId, communityId),
          eq(selfTestReports.roundId, roundId),
          eq(selfTestReports.stairwellId, stairwellId),
        ),
      );
    if (done)
      throw preconditionFailed('ALREADY_SUBMITTED', '该楼道已经填报 / This stairwell has already reported.');
    const helpers = await tx
      .select({ userId: stairwellAssignments.userId })
      .from(stairwellAssignments)
      .where(
        and(
          eq(stairwellAssignments.communityId, communityId),
          eq(stairwellAssignments.stairwellId, stairwellId),
        ),
      );
    const label = `${place.building}-${place.stairwell}`;
    await notifyUsers(
      tx,
      helpers.map((h) => ({
        communityId,
        userId: h.userId,
        kind: 'self_test.reminder',
        payload: {
          roundId,
          stairwell: label,
          deadlineAt: iso(round.deadlineAt),
          href: `/v/${communityId}/health/${roundId}`,
        },
      })),
    );
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: 'self_test.remind',
      entityType: 'stairwell',
      entityId: stairwellId,
      after: { roundId, notified: helpers.length },
    });
    return { notified: helpers.length };
  });
}
