import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { batches } from '@/db/schema';
import { Id, safeText } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { publishDistribution } from './events';
import { text } from './fields';
import { requirePhoto } from './upload-photo';
import { BATCH_NOT_FOUND, communitySettings } from './internal';
import { releasableAt, resolveDwellSeconds, testDwellSeconds } from './rules';
import { transitionBatch } from '@/server/services/distribution/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const RecordDisinfectionInput = z.object({
  communityId: Id,
  batchId: Id,
  /** e.g. 含氯消毒剂, 75% 酒精 */
  agent: safeText({ min: 1, max: 60 }),
  /** e.g. 500 mg/L */
  concentration: text(40).default(''),
  method: z.enum(['spray', 'wipe', 'uv']),
  /** Longer than the compound's minimum if the agent needs it; the minimum when omitted. */
  dwellMinutes: z.number().int().positive().max(1440).nullish(),
  /** Who sprayed, when not the volunteer recording it. */
  operatorName: text(40).nullish(),
  photoKey: text(200).nullish(),
});
export type RecordDisinfectionInput = z.infer<typeof RecordDisinfectionInput>;

/**
 * The disinfection record (消杀记录) of a batch: received → disinfecting. Recorded once: a second
 * record is refused, so the dwell clock cannot be restarted or shortened. The dwell counts from the
 * server's clock, never from a time a phone claims.
 */
export async function recordDisinfection({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RecordDisinfectionInput;
}) {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = ctx.user!;
  const agent = input.agent.trim();
  if (!agent)
    throw badRequest('AGENT_REQUIRED', '请填写消毒剂 / Enter the disinfectant used.', { field: 'agent' });
  const { settings } = await communitySettings(ctx.db, input.communityId);
  const dwellSeconds = resolveDwellSeconds({
    compoundMinutes: settings.disinfectionDwellMinutes,
    requestedMinutes: input.dwellMinutes,
    testSeconds: testDwellSeconds(process.env.LINLI_TEST_DWELL_SECONDS),
  });
  await requirePhoto(input.communityId, input.photoKey);
  const now = ctx.now();

  const batch = await inTransaction(ctx.db, async (tx) => {
    const [updated] = await transitionBatch(
      tx,
      { communityId: input.communityId, id: input.batchId },
      'disinfecting',
      {
        from: ['received'],
        set: {
          disinfectionAgent: agent,
          concentration: input.concentration.trim(),
          method: input.method,
          disinfectionStartedAt: now,
          dwellSeconds,
          operatorUserId: user.id,
          operatorName: input.operatorName?.trim() || user.name,
          disinfectionPhotoKey: input.photoKey ?? null,
          updatedAt: now,
        },
      },
    ).returning();
    if (!updated) {
      const [existing] = await tx
        .select({ status: batches.status })
        .from(batches)
        .where(and(eq(batches.communityId, input.communityId), eq(batches.id, input.batchId)));
      if (!existing) throw BATCH_NOT_FOUND();
      throw preconditionFailed(
        'DISINFECTION_ALREADY_RECORDED',
        '这一批已有消杀记录，不能再记一次 / This batch already has its disinfection record.',
      );
    }
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: user.id,
      action: 'batch.disinfection_recorded',
      entityType: 'batch',
      entityId: updated.id,
      before: { status: 'received' },
      after: {
        status: 'disinfecting',
        agent,
        concentration: updated.concentration,
        method: updated.method,
        startedAt: now.toISOString(),
        dwellSeconds,
        operatorName: updated.operatorName,
      },
    });
    return updated;
  });
  await publishDistribution(ctx, input.communityId, [{ kind: 'batch', batchId: batch.id }]);
  return {
    batchId: batch.id,
    status: batch.status,
    startedAt: now,
    dwellSeconds,
    releasableAt: releasableAt(now, dwellSeconds),
  };
}
