import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { healthRounds, stairwellAssignments } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notifyUsers } from '@/server/services/shared/notify';
import { safeText } from '@/server/services/shared/zod';
import { publishHealth } from './events';
import { id, iso, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const OpenSelfTestRoundInput = z.object({
  communityId: id,
  title: safeText({ max: 60 }).optional(),
  /** The form closes this long after opening (the article: done within 2 hours). */
  deadlineMinutes: z
    .number()
    .int()
    .min(10)
    .max(24 * 60)
    .default(120),
});
export type OpenSelfTestRoundInput = z.input<typeof OpenSelfTestRoundInput>;

/**
 * A coordinator opens a self-test round (抗原自测): every stairwell's leader and volunteers are told
 * to fill their row before the deadline. One transaction with its audit row and the notices.
 */
export async function openSelfTestRound({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(OpenSelfTestRoundInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now();
  const deadlineAt = new Date(now.getTime() + input.deadlineMinutes * 60_000);
  const title = input.title || `抗原自测 ${now.toISOString().slice(0, 10)}`;
  const round = await inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(healthRounds)
      .values({
        communityId: input.communityId,
        kind: 'self_test',
        title,
        openedBy: me.ctx.user.id,
        openedAt: now,
        deadlineAt,
      })
      .returning();
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: me.ctx.user.id,
      action: 'health_round.open',
      entityType: 'health_round',
      entityId: row!.id,
      after: { kind: 'self_test', title, deadlineAt: iso(deadlineAt) },
    });
    const helpers = await tx
      .selectDistinct({ userId: stairwellAssignments.userId })
      .from(stairwellAssignments)
      .where(and(eq(stairwellAssignments.communityId, input.communityId)));
    await notifyUsers(
      tx,
      helpers.map((h) => ({
        communityId: input.communityId,
        userId: h.userId,
        kind: 'self_test.opened',
        payload: {
          roundId: row!.id,
          title,
          deadlineAt: iso(deadlineAt),
          href: `/v/${input.communityId}/health/${row!.id}`,
        },
      })),
    );
    return row!;
  });
  await publishHealth(ctx, input.communityId, { kind: 'self_test', roundId: round.id });
  return { roundId: round.id, title: round.title, deadlineAt: round.deadlineAt! };
}
