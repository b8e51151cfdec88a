import { and, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { bags, orderLines, payments, refunds } from '@/db/schema';
import { executeRefunds, reserveRefund, type RefundRow } from '@/server/services/payment/refunds';
import { Id } from '@/server/services/shared/zod';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import type { Tx } from '@/db/client';
import { preconditionFailed } from '@/server/services/shared/errors';
import { advanceBatch } from './batch-progress';
import { publishDistribution } from './events';
import { BAG_NOT_FOUND, notifyHouseholds, requireMerchantRelay } from './internal';
import { canTransitionBag } from './rules';
import { fenToYuan } from '@/server/services/shared/money';
import { transitionBag } from '@/server/services/distribution/lifecycle';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { inTransaction } from '@/server/services/shared/tx';

export const RefundBagInput = z.object({ merchantId: Id, communityId: Id, relayId: Id, bagId: Id });
export type RefundBagInput = z.infer<typeof RefundBagInput>;

export function bagRefundKey(bagId: string): string {
  return `bag:${bagId}`;
}

/**
 * A bag the volunteers could not deliver as it should be (damaged, wrong bag, item missing) and the
 * merchant will not replace: exception → refunded, with one refund of everything still unrefunded
 * on the order. Idempotent by the bag (a second call finds it refunded and re-sends nothing new).
 */
export async function refundBag({ ctx, input }: { ctx: ServiceContext; input: RefundBagInput }) {
  const relay = await requireMerchantRelay(ctx, input.merchantId, input.relayId, input.communityId);
  const user = ctx.user!;
  const { communityId } = relay;
  const now = ctx.now();

  const outcome = await inTransaction(ctx.db, async (tx) => {
    const [bag] = await tx
      .select()
      .from(bags)
      .where(and(eq(bags.communityId, communityId), eq(bags.id, input.bagId), eq(bags.relayId, relay.id)))
      .for('update');
    if (!bag) throw BAG_NOT_FOUND();
    if (bag.status === 'refunded') {
      const [existing] = await tx
        .select()
        .from(refunds)
        .where(and(eq(refunds.communityId, communityId), eq(refunds.idempotencyKey, bagRefundKey(bag.id))));
      return { bag, refund: existing ?? null, replayed: true };
    }
    if (!canTransitionBag(bag.status, 'refunded') || bag.status !== 'exception') {
      throw preconditionFailed(
        'BAG_NOT_EXCEPTION',
        '只有登记了异常的袋子才能整袋退款 / Only a bag with a recorded exception can be refunded whole.',
      );
    }
    const amountFen = await unrefundedFen(tx, communityId, bag.orderId);
    await transitionBag(tx, { communityId, id: bag.id }, 'refunded', {
      from: ['exception'],
      set: { updatedAt: now },
    });
    await tx
      .update(orderLines)
      .set({ fulfilledQty: 0 })
      .where(and(eq(orderLines.communityId, communityId), eq(orderLines.orderId, bag.orderId)));
    await transitionOrders(tx, { communityId, id: bag.orderId }, 'short', {
      from: ['paid'],
      set: { updatedAt: now },
    });
    let refund: RefundRow | null = null;
    if (amountFen > 0) {
      ({ refund } = await reserveRefund(tx, {
        communityId,
        orderId: bag.orderId,
        amountFen,
        reason: 'bag_refunded',
        idempotencyKey: bagRefundKey(bag.id),
        requestedBy: user.id,
      }));
    }
    await advanceBatch(tx, communityId, bag.batchId, now);
    await tellBagRefunded(tx, communityId, relay.title, bag, amountFen);
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: 'bag.refunded',
      entityType: 'bag',
      entityId: bag.id,
      before: { status: 'exception', exceptionKind: bag.exceptionKind },
      after: { status: 'refunded', refundFen: amountFen },
    });
    return { bag: { ...bag, status: 'refunded' as const }, refund, replayed: false };
  });
  let refund = outcome.refund;
  if (refund && refund.status === 'pending')
    refund = (await executeRefunds(ctx.database, [refund]))[0] ?? refund;
  if (!outcome.replayed) {
    await publishDistribution(ctx, communityId, [
      {
        kind: 'bag',
        bagId: outcome.bag.id,
        batchId: outcome.bag.batchId,
        stairwellId: outcome.bag.stairwellId,
        householdId: outcome.bag.householdId,
      },
    ]);
  }
  return {
    bagId: outcome.bag.id,
    status: outcome.bag.status,
    refundFen: refund?.amountFen ?? 0,
    refundStatus: refund?.status ?? null,
  };
}

/** What the order's payment still holds: paid minus every refund not failed (0 when unpaid). */
async function unrefundedFen(tx: Tx, communityId: string, orderId: string): Promise<number> {
  const [paid] = await tx
    .select({ amountFen: payments.amountFen, id: payments.id })
    .from(payments)
    .where(
      and(
        eq(payments.communityId, communityId),
        eq(payments.orderId, orderId),
        eq(payments.status, 'succeeded'),
      ),
    );
  const [{ taken } = { taken: 0 }] = paid
    ? await tx
        .select({ taken: sql<number>`coalesce(sum(${refunds.amountFen}), 0)::int` })
        .from(refunds)
        .where(
          and(
            eq(refunds.communityId, communityId),
            eq(refunds.paymentId, paid.id),
            ne(refunds.status, 'failed'),
          ),
        )
    : [{ taken: 0 }];
  return paid ? paid.amountFen - Number(taken) : 0;
}

async function tellBagRefunded(
  tx: Tx,
  communityId: string,
  relayTitle: string,
  bag: typeof bags.$inferSelect,
  amountFen: number,
) {
  await notifyHouseholds(tx, communityId, [
    {
      householdId: bag.householdId,
      orderId: bag.orderId,
      kind: 'distribution.bag_refunded',
      payload: {
        bagId: bag.id,
        relayTitle,
        refundFen: amountFen,
        refundYuan: fenToYuan(amountFen),
        exceptionKind: bag.exceptionKind ?? '',
        href: `/r/${communityId}/bag`,
      },
    },
  ]);
}
