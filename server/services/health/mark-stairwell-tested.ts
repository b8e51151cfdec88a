import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { stairwells, testingBuildings, testingStairwells } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { openTestingRound } from './call-building';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { STAIRWELL_NOT_FOUND } from './submit-self-test';
import { transitionBuilding } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const MarkStairwellTestedInput = z.object({
  communityId: id,
  roundId: id,
  stairwellId: id,
  /** Residents registered on the spot without a code (无码登记). */
  walkIns: z.number().int({ error: '人数必须是整数 / Must be a whole number' }).min(0).max(1000).default(0),
});
export type MarkStairwellTestedInput = z.input<typeof MarkStairwellTestedInput>;

/**
 * A volunteer at the site marks a stairwell of the called building as sampled (again: corrects its
 * walk-in count). When the last stairwell of the building is done, the building is done.
 */
export async function markStairwellTested({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(MarkStairwellTestedInput, raw);
  const { communityId, roundId, stairwellId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  const now = ctx.now();
  const result = await inTransaction(ctx.db, async (tx) => {
    await openTestingRound(tx, communityId, roundId);
    const [sw] = await tx
      .select({ buildingId: stairwells.buildingId })
      .from(stairwells)
      .where(and(eq(stairwells.communityId, communityId), eq(stairwells.id, stairwellId)));
    if (!sw) throw STAIRWELL_NOT_FOUND();
    const [tb] = await tx
      .select({ status: testingBuildings.status })
      .from(testingBuildings)
      .where(
        and(
          eq(testingBuildings.communityId, communityId),
          eq(testingBuildings.roundId, roundId),
          eq(testingBuildings.buildingId, sw.buildingId),
        ),
      )
      .for('update');
    if (!tb || (tb.status !== 'called' && tb.status !== 'done'))
      throw preconditionFailed(
        'BUILDING_NOT_CALLED',
        '这栋楼还没有叫到 / This building has not been called.',
      );
    const [row] = await tx
      .insert(testingStairwells)
      .values({
        communityId,
        roundId,
        stairwellId,
        doneAt: now,
        doneBy: me.ctx.user.id,
        walkIns: input.walkIns,
      })
      .onConflictDoUpdate({
        target: [testingStairwells.communityId, testingStairwells.roundId, testingStairwells.stairwellId],
        set: { walkIns: input.walkIns },
      })
      .returning();
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: 'testing.stairwell_done',
      entityType: 'testing_stairwell',
      entityId: row!.id,
      after: { roundId, stairwellId, walkIns: input.walkIns },
    });
    const [left] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from stairwells s
           where s.community_id = ${communityId} and s.building_id = ${sw.buildingId}
             and not exists (select 1 from testing_stairwells t where t.community_id = s.community_id
                              and t.round_id = ${roundId} and t.stairwell_id = s.id)`,
    );
    let buildingDone = tb.status === 'done';
    if (Number(left?.n ?? 0) === 0 && tb.status === 'called') {
      await transitionBuilding(tx, {
        communityId,
        roundId,
        buildingId: sw.buildingId,
        action: 'finish',
        actorUserId: me.ctx.user.id,
        now,
      });
      buildingDone = true;
    }
    return { stairwellId, walkIns: row!.walkIns, buildingDone };
  });
  await publishHealth(ctx, communityId, { kind: 'testing', roundId });
  return result;
}
