import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bags } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { advanceBatch } from './batch-progress';
import { publishDistribution } from './events';
import { BAG_NOT_FOUND } from './internal';
import { transitionBag } from '@/server/services/distribution/lifecycle';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const ConfirmBagInput = z.object({ communityId: Id, bagId: Id });
export type ConfirmBagInput = z.infer<typeof ConfirmBagInput>;

/**
 * The resident confirms the bag reached them (确认收货). A bag left at the door when nobody was home
 * becomes delivered by this confirmation. Confirming twice changes nothing.
 */
export async function confirmBag({ ctx, input }: { ctx: ServiceContext; input: ConfirmBagInput }) {
  const mine = await requireRole(ctx, input.communityId, ['resident']);
  const user = ctx.user!;
  const householdIds = new Set(mine.flatMap((m) => (m.householdId ? [m.householdId] : [])));
  const { communityId } = input;
  const now = ctx.now();

  const result = await inTransaction(ctx.db, async (tx) => {
    const [bag] = await tx
      .select()
      .from(bags)
      .where(and(eq(bags.communityId, communityId), eq(bags.id, input.bagId)))
      .for('update');
    if (!bag || !householdIds.has(bag.householdId)) throw BAG_NOT_FOUND();
    if (bag.status === 'delivered' && bag.confirmedAt) return { bag, changed: false };
    if (bag.status === 'pending') {
      throw preconditionFailed(
        'BAG_NOT_DELIVERED',
        '袋子还没送到，送到后再确认 / The bag has not been delivered yet.',
      );
    }
    if (bag.status === 'refunded') {
      throw preconditionFailed('BAG_ALREADY_REFUNDED', '这一袋已经退款 / This bag has been refunded.');
    }
    if (bag.status === 'exception' && bag.exceptionKind !== 'nobody_home') {
      throw preconditionFailed(
        'BAG_HAS_EXCEPTION',
        '这一袋登记了问题，请用“报告问题”说明 / This bag has a recorded problem: please report it instead.',
      );
    }
    const wasException = bag.status === 'exception';
    const confirmation = {
      // Left at the door while nobody was home: it was delivered when the volunteer left it.
      deliveredAt: bag.deliveredAt ?? bag.exceptionAt ?? now,
      deliveredBy: bag.deliveredBy ?? bag.exceptionBy,
      confirmedAt: now,
      confirmedBy: user.id,
      updatedAt: now,
    };
    // A delivered bag only gains its confirmation; an exception (nobody home) becomes delivered.
    const [updated] = wasException
      ? await transitionBag(tx, { communityId, id: bag.id }, 'delivered', {
          from: ['exception'],
          set: confirmation,
        }).returning()
      : await tx
          .update(bags)
          .set(confirmation)
          .where(and(eq(bags.communityId, communityId), eq(bags.id, bag.id), eq(bags.status, 'delivered')))
          .returning();
    if (wasException) {
      await transitionOrders(tx, { communityId, id: bag.orderId }, 'fulfilled', {
        from: ['paid'],
        set: { updatedAt: now },
      });
      await advanceBatch(tx, communityId, bag.batchId, now);
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'bag.confirmed',
      entityType: 'bag',
      entityId: bag.id,
      before: { status: bag.status },
      after: { status: 'delivered', confirmedAt: now.toISOString() },
    });
    return { bag: updated!, changed: true };
  });
  if (result.changed) {
    await publishDistribution(ctx, communityId, [
      {
        kind: 'bag',
        bagId: result.bag.id,
        batchId: result.bag.batchId,
        stairwellId: result.bag.stairwellId,
        householdId: result.bag.householdId,
      },
    ]);
  }
  return { bagId: result.bag.id, status: result.bag.status, confirmedAt: result.bag.confirmedAt };
}
