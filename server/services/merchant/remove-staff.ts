import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { merchantMembers } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { idOf, MerchantRef } from './fields';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const RemoveStaffInput = MerchantRef.extend({ userId: idOf('用户') });
export type RemoveStaffInput = z.infer<typeof RemoveStaffInput>;

/** The owner removes a staff member. The owner cannot be removed (a merchant always has one). */
export async function removeStaff({ ctx, input }: { ctx: ServiceContext; input: RemoveStaffInput }) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const owner = ctx.user!;
  return inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .delete(merchantMembers)
      .where(
        and(
          eq(merchantMembers.merchantId, input.merchantId),
          eq(merchantMembers.userId, input.userId),
          eq(merchantMembers.role, 'staff'),
        ),
      )
      .returning();
    if (!row) throw notFound('STAFF_NOT_FOUND', '团队中没有这位店员 / No such staff member.');
    await writeGlobalAudit(tx, {
      actorUserId: owner.id,
      action: 'merchant.staff_removed',
      entityType: 'merchant',
      entityId: input.merchantId,
      before: { userId: input.userId },
    });
    return { removed: input.userId };
  });
}
