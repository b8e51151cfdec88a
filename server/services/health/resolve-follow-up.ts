import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { selfTestFollowUps } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { safeText } from '@/server/services/shared/zod';
import { publishHealth } from './events';
import { id, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const ResolveFollowUpInput = z.object({
  communityId: id,
  followUpId: id,
  note: safeText({ max: 300 }).default(''),
});
export type ResolveFollowUpInput = z.input<typeof ResolveFollowUpInput>;

/** A coordinator has followed up an anomaly (retest arranged, reported to the health station). */
export async function resolveFollowUp({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ResolveFollowUpInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now();
  const row = await inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .update(selfTestFollowUps)
      .set({ resolvedAt: now, resolvedBy: me.ctx.user.id, note: input.note, updatedAt: now })
      .where(
        and(
          eq(selfTestFollowUps.communityId, input.communityId),
          eq(selfTestFollowUps.id, input.followUpId),
          isNull(selfTestFollowUps.resolvedAt),
        ),
      )
      .returning();
    if (!row) throw notFound('FOLLOW_UP_NOT_FOUND', '找不到待跟进事项 / No open follow-up found.');
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: me.ctx.user.id,
      action: 'self_test.follow_up_resolved',
      entityType: 'self_test_follow_up',
      entityId: row.id,
      after: { note: input.note },
    });
    return row;
  });
  await publishHealth(ctx, input.communityId, { kind: 'self_test', roundId: row.roundId });
  return { followUpId: row.id, resolvedAt: row.resolvedAt };
}
