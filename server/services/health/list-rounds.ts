import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { healthRounds, selfTestHouseholdReports, stairwells } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, parseInput, rolesIn } from './internal';
import { isEditable } from './rules';

export const ListRoundsInput = z.object({
  communityId: id,
  kind: z.enum(['self_test', 'testing']).optional(),
});
export type ListRoundsInput = z.infer<typeof ListRoundsInput>;

/**
 * The compound's recent rounds (newest first, 30 at most) for every member. Coordinators also get
 * how many stairwells have reported; residents get their household's own self-reported result.
 */
export async function listRounds({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ListRoundsInput, raw);
  const { communityId } = input;
  const me = await rolesIn(ctx, communityId, ['resident', 'volunteer', 'admin', 'owner']);
  const rounds = await ctx.db
    .select({
      id: healthRounds.id,
      kind: healthRounds.kind,
      title: healthRounds.title,
      status: healthRounds.status,
      openedAt: healthRounds.openedAt,
      deadlineAt: healthRounds.deadlineAt,
      submitted: sql<number>`(select count(*) from self_test_reports r where r.community_id = ${healthRounds.communityId} and r.round_id = ${healthRounds.id})::int`,
    })
    .from(healthRounds)
    .where(
      and(
        eq(healthRounds.communityId, communityId),
        input.kind ? eq(healthRounds.kind, input.kind) : undefined,
      ),
    )
    .orderBy(desc(healthRounds.openedAt))
    .limit(30);
  const stairwellCount = me.coordinator
    ? await ctx.db.$count(stairwells, eq(stairwells.communityId, communityId))
    : 0;
  const householdId = me.householdIds[0];
  const mine = householdId
    ? await ctx.db
        .select()
        .from(selfTestHouseholdReports)
        .where(
          and(
            eq(selfTestHouseholdReports.communityId, communityId),
            eq(selfTestHouseholdReports.householdId, householdId),
          ),
        )
    : [];
  const now = ctx.now();
  return rounds.map((r) => {
    const own = mine.find((m) => m.roundId === r.id);
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      status: r.status,
      openedAt: iso(r.openedAt)!,
      deadlineAt: iso(r.deadlineAt),
      editable: r.kind === 'self_test' && isEditable(r, now),
      progress:
        me.coordinator && r.kind === 'self_test'
          ? { submitted: Number(r.submitted), of: stairwellCount }
          : null,
      myReport: own ? { negative: own.negative, abnormal: own.abnormal, invalid: own.invalid } : null,
    };
  });
}
