import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { careProfiles, households, testingHomeVisits } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { openTestingRound } from './call-building';
import { publishHealth } from './events';
import { id, myStairwellIds, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const CheckHomeVisitInput = z.object({
  communityId: id,
  roundId: id,
  householdId: id,
  done: z.boolean().default(true),
});
export type CheckHomeVisitInput = z.input<typeof CheckHomeVisitInput>;

const HOUSEHOLD_NOT_FOUND = () => notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.');

/** Ticks (or unticks) a home visit of the door-to-door list; same scope as the list. */
export async function checkHomeVisit({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(CheckHomeVisitInput, raw);
  const { communityId, roundId, householdId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  const now = ctx.now();
  await inTransaction(ctx.db, async (tx) => {
    await openTestingRound(tx, communityId, roundId);
    const [hh] = await tx
      .select({ stairwellId: households.stairwellId })
      .from(households)
      .innerJoin(
        careProfiles,
        and(
          eq(careProfiles.communityId, households.communityId),
          eq(careProfiles.householdId, households.id),
        ),
      )
      .where(and(eq(households.communityId, communityId), eq(households.id, householdId)));
    if (!hh) throw HOUSEHOLD_NOT_FOUND();
    if (!me.coordinator && !(await myStairwellIds(tx, communityId, me.ctx.user.id)).has(hh.stairwellId))
      throw HOUSEHOLD_NOT_FOUND();
    const key = and(
      eq(testingHomeVisits.communityId, communityId),
      eq(testingHomeVisits.roundId, roundId),
      eq(testingHomeVisits.householdId, householdId),
    );
    if (input.done) {
      await tx
        .insert(testingHomeVisits)
        .values({ communityId, roundId, householdId, doneAt: now, doneBy: me.ctx.user.id })
        .onConflictDoNothing();
    } else {
      await tx.delete(testingHomeVisits).where(key);
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: input.done ? 'testing.home_visit_done' : 'testing.home_visit_undone',
      entityType: 'household',
      entityId: householdId,
      after: { roundId },
    });
  });
  await publishHealth(ctx, communityId, { kind: 'testing', roundId });
  return { householdId, done: input.done };
}
