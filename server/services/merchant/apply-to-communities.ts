import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { admissions, communities } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound } from '@/server/services/shared/errors';
import { idOf, MerchantRef } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const ApplyToCommunitiesInput = MerchantRef.extend({ communityIds: z.array(idOf('小区')).max(50) });
export type ApplyToCommunitiesInput = z.infer<typeof ApplyToCommunitiesInput>;

/**
 * Chooses the compounds to apply to: one draft admission per compound, each decided on its own.
 * Compounds already chosen are left as they are (whatever their state), so this is safe to retry.
 */
export async function applyToCommunities({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ApplyToCommunitiesInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  const ids = [...new Set(input.communityIds)];
  if (ids.length === 0)
    throw badRequest('NO_COMMUNITY_SELECTED', '请至少选择一个小区 / Choose at least one compound.', {
      field: 'communityIds',
    });
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const found = await tx
      .select({ id: communities.id })
      .from(communities)
      .where(inArray(communities.id, ids));
    if (found.length !== ids.length) {
      throw notFound('COMMUNITY_NOT_FOUND', '找不到所选小区 / A chosen compound was not found.', {
        field: 'communityIds',
      });
    }
    const created = await tx
      .insert(admissions)
      .values(
        ids.map((communityId) => ({
          communityId,
          merchantId: input.merchantId,
          status: 'draft' as const,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ communityId: admissions.communityId, id: admissions.id });
    if (created.length > 0) {
      await writeGlobalAudit(tx, {
        actorUserId: user.id,
        action: 'merchant.communities_chosen',
        entityType: 'merchant',
        entityId: input.merchantId,
        after: { communityIds: created.map((c) => c.communityId) },
      });
    }
    return { added: created.length };
  });
}

export const WithdrawDraftAdmissionInput = MerchantRef.extend({ communityId: idOf('小区') });
export type WithdrawDraftAdmissionInput = z.infer<typeof WithdrawDraftAdmissionInput>;

/** Un-chooses a compound before anything was submitted to it; a submitted application stays. */
export async function withdrawDraftAdmission({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: WithdrawDraftAdmissionInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  return inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .delete(admissions)
      .where(
        and(
          eq(admissions.communityId, input.communityId),
          eq(admissions.merchantId, input.merchantId),
          eq(admissions.status, 'draft'),
        ),
      )
      .returning({ id: admissions.id });
    if (!row) {
      throw notFound(
        'DRAFT_ADMISSION_NOT_FOUND',
        '只能撤回尚未提交的小区 / Only a compound not yet submitted to can be removed.',
      );
    }
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.community_withdrawn',
      entityType: 'merchant',
      entityId: input.merchantId,
      before: { communityId: input.communityId },
    });
    return { removed: row.id };
  });
}
