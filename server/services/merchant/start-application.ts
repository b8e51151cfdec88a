import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { merchantMembers, merchants } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict } from '@/server/services/shared/errors';
import { idOf } from './fields';
import { inTransaction } from '@/server/services/shared/tx';

export const StartApplicationInput = z.object({
  /**
   * Made by the client once per "start" tap and used as the merchant's id, so a retried or
   * double-tapped start returns the same application instead of creating a second merchant.
   */
  requestId: idOf('请求'),
});
export type StartApplicationInput = z.infer<typeof StartApplicationInput>;

/** Any signed-in person may start a merchant application: a draft merchant they own. */
export async function startApplication({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: StartApplicationInput;
}) {
  requireUser(ctx);
  const user = ctx.user;
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const [created] = await tx
      .insert(merchants)
      .values({
        id: input.requestId,
        createdBy: user.id,
        contactName: user.name,
        contactPhone: user.phone,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: merchants.id });
    if (!created) {
      const [mine] = await tx
        .select({ id: merchantMembers.merchantId })
        .from(merchantMembers)
        .where(
          and(
            eq(merchantMembers.merchantId, input.requestId),
            eq(merchantMembers.userId, user.id),
            eq(merchantMembers.role, 'owner'),
          ),
        );
      if (mine) return { merchantId: mine.id, created: false };
      throw conflict('REQUEST_ID_TAKEN', '请重试 / Please try again.');
    }
    await tx
      .insert(merchantMembers)
      .values({ merchantId: created.id, userId: user.id, role: 'owner', createdAt: now });
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.application_started',
      entityType: 'merchant',
      entityId: created.id,
    });
    return { merchantId: created.id, created: true };
  });
}
