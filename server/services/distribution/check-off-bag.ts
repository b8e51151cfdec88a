import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bagEvents, bags, batches, relays } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import {
  badRequest,
  conflict,
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
  preconditionFailed,
} from '@/server/services/shared/errors';
import { orderOfBagCode } from './bag-short-codes';
import { advanceBatch } from './batch-progress';
import { publishDistribution } from './events';
import { text } from './fields';
import { requirePhoto } from './upload-photo';
import { BAG_NOT_FOUND, inScope, notifyHouseholds, stairwellScope } from './internal';
import { canTransitionBag, effectiveCheckoffTime, type BagStatus } from './rules';
import { maskName } from '@/server/services/shared/privacy';
import { hhmm } from '@/server/services/shared/time';
import { transitionBag } from '@/server/services/distribution/lifecycle';
import { transitionOrders } from '@/server/services/relay/lifecycle';
import { collectCash, openCashPayment } from '@/server/services/payment/cash';
import { fenToYuan } from '@/server/services/shared/money';
import { smsOrderNotice } from '@/server/messaging/order-sms';

export const CheckOffBagInput = z
  .object({
    communityId: Id,
    /** Made by the phone for this check-off; a replay with the same id changes nothing. */
    checkoffId: Id,
    /** Tapped in the list… */
    bagId: Id.nullish(),
    /** …or scanned from the label (`LL1.<orderId>.<sig>`), or its 短码 typed in. */
    code: text(200).nullish(),
    outcome: z.enum(['delivered', 'exception']),
    exceptionKind: z.enum(['nobody_home', 'damaged', 'item_missing', 'wrong_bag']).nullish(),
    note: text(300).nullish(),
    /** The phone's clock at the check-off. */
    clientAt: z.coerce.date(),
    via: z.enum(['scan', 'tap', 'manual']).optional(),
    photoKey: text(200).nullish(),
    /**
     * 货到付款: the cash the volunteer collected at the door, in fen. Required to check off as
     * delivered a bag whose order owes cash; a different amount than due is recorded and makes the
     * bag an exception (`cash_mismatch`).
     */
    cashCollectedFen: z
      .number({ error: '现金金额要填数字（分） / The cash amount must be a number (fen).' })
      .int()
      .min(0)
      .max(100_000_000)
      .nullish(),
  })
  .refine((v) => !!v.bagId || !!v.code, {
    message: '请扫码或选择袋子 / Scan a label or pick a bag.',
    path: ['code'],
  });
export type CheckOffBagInput = z.infer<typeof CheckOffBagInput>;

export type CheckOffBagResult = {
  bagId: string;
  status: BagStatus;
  /** True when this check-off id was already applied (an offline replay): nothing changed. */
  replayed: boolean;
  deliveredAt: Date | null;
  /** Cash on delivery: what was due and what was recorded (null for bags paid online). */
  cash: { dueFen: number; collectedFen: number; matched: boolean } | null;
};

/**
 * A volunteer checks a bag off at the door: delivered, or an exception with its reason.
 * Refused before the batch is released, and outside the volunteer's stairwells (as not found).
 * Idempotent by the phone's check-off id, so an offline queue can replay freely.
 */
export async function checkOffBag({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CheckOffBagInput;
}): Promise<CheckOffBagResult> {
  await requireRole(ctx, input.communityId, ['volunteer', 'admin', 'owner']);
  const user = ctx.user!;
  const { communityId } = input;
  if (input.outcome === 'exception' && !input.exceptionKind) {
    throw badRequest('EXCEPTION_KIND_REQUIRED', '请选择异常原因 / Choose what went wrong.', {
      field: 'exceptionKind',
    });
  }
  if (!input.bagId && !input.code) {
    throw badRequest('BAG_REQUIRED', '请扫码或选择袋子 / Scan a label or pick a bag.', { field: 'code' });
  }
  let orderId: string | null = null;
  if (input.code) {
    // The label's QR or its typed 短码. A forged code, a typo, or another compound's label: none of
    // them names a bag here.
    orderId = await orderOfBagCode(ctx.db, communityId, input.code, input.bagId ?? null);
    if (!orderId)
      throw badRequest(
        'BAG_CODE_INVALID',
        '这不是本小区的有效袋签 / This is not a valid bag label of this compound.',
        { field: 'code' },
      );
  }
  await requirePhoto(input.communityId, input.photoKey);
  const scope = await stairwellScope({ ...ctx, user }, communityId);
  const now = ctx.now();

  const result = await ctx.db.transaction(async (tx) => {
    const [bag] = await tx
      .select()
      .from(bags)
      .where(
        and(
          eq(bags.communityId, communityId),
          input.bagId ? eq(bags.id, input.bagId) : eq(bags.orderId, orderId!),
          input.bagId && orderId ? eq(bags.orderId, orderId) : undefined,
        ),
      )
      .for('update');
    if (!bag || !inScope(scope, bag.stairwellId)) throw BAG_NOT_FOUND();

    const [previous] = await tx
      .select({ bagId: bagEvents.bagId })
      .from(bagEvents)
      .where(and(eq(bagEvents.communityId, communityId), eq(bagEvents.id, input.checkoffId)));
    if (previous) {
      if (previous.bagId !== bag.id) {
        throw conflict(
          'CHECKOFF_ID_REUSED',
          '这次登记的编号已用于另一个袋子 / This check-off id was used for another bag.',
        );
      }
      return { bag, replayed: true as const, batchStatus: null, cash: null };
    }

    const [batch] = await tx
      .select({ status: batches.status, releasedAt: batches.releasedAt })
      .from(batches)
      .where(and(eq(batches.communityId, communityId), eq(batches.id, bag.batchId)));
    if (!batch || batch.status === 'received' || batch.status === 'disinfecting') {
      throw preconditionFailed(
        'BATCH_NOT_RELEASED',
        '这一批还没有消杀放行，不能派送 / This batch has not been released after disinfection yet.',
      );
    }
    let to: BagStatus = input.outcome === 'delivered' ? 'delivered' : 'exception';
    // delivered → pending | exception is only the undo's (undo-check-off.ts), never a check-off.
    if (bag.status === 'delivered' || !canTransitionBag(bag.status, to)) {
      const code =
        bag.status === 'delivered'
          ? 'BAG_ALREADY_DELIVERED'
          : bag.status === 'refunded'
            ? 'BAG_ALREADY_REFUNDED'
            : 'BAG_ALREADY_EXCEPTION';
      throw preconditionFailed(
        code,
        '这个袋子的状态已经变了，请刷新 / This bag has already been handled; refresh the list.',
        {
          details: { status: bag.status },
        },
      );
    }
    const at = effectiveCheckoffTime(input.clientAt, now, batch.releasedAt);
    // 货到付款: the cash collected is recorded with the hand-over; a different amount is an exception.
    let cash: CheckOffBagResult['cash'] = null;
    let exceptionKind: CheckOffBagInput['exceptionKind'] | 'cash_mismatch' = input.exceptionKind ?? null;
    let note = input.note?.trim() || null;
    const open = to === 'delivered' ? await openCashPayment(tx, communityId, bag.orderId) : undefined;
    if (open) {
      const collected = input.cashCollectedFen;
      if (collected == null && open.dueFen > 0) {
        throw badRequest(
          'CASH_AMOUNT_REQUIRED',
          `这一袋货到付款，请填写收到的现金（应收 ${fenToYuan(open.dueFen)} 元） / This bag is cash on delivery: enter the cash collected (¥${fenToYuan(open.dueFen)} due).`,
          { field: 'cashCollectedFen', details: { dueFen: open.dueFen } },
        );
      }
      cash = await collectCash(tx, open, { userId: user.id, collectedFen: collected ?? 0, at });
      if (!cash.matched) {
        to = 'exception';
        exceptionKind = 'cash_mismatch';
        const line = `应收 ${fenToYuan(cash.dueFen)} 元，实收 ${fenToYuan(cash.collectedFen)} 元 / due ¥${fenToYuan(cash.dueFen)}, collected ¥${fenToYuan(cash.collectedFen)}`;
        note = note ? `${line} · ${note}` : line;
      }
    }
    const [updated] = await transitionBag(tx, { communityId, id: bag.id }, to, {
      from: [bag.status],
      set:
        to === 'delivered'
          ? {
              deliveredAt: at,
              deliveredBy: user.id,
              clientAt: input.clientAt,
              photoKey: input.photoKey ?? bag.photoKey,
              updatedAt: now,
            }
          : {
              exceptionKind: exceptionKind!,
              exceptionNote: note,
              exceptionAt: at,
              exceptionBy: user.id,
              clientAt: input.clientAt,
              photoKey: input.photoKey ?? bag.photoKey,
              updatedAt: now,
            },
    }).returning();
    try {
      await tx.insert(bagEvents).values({
        communityId,
        id: input.checkoffId,
        bagId: bag.id,
        actorUserId: user.id,
        outcome: to === 'delivered' ? 'delivered' : 'exception',
        exceptionKind: to === 'exception' ? exceptionKind! : null,
        note,
        fromStatus: bag.status,
        toStatus: to,
        via: input.via ?? (input.code ? 'scan' : 'tap'),
        clientAt: input.clientAt,
        receivedAt: now,
      });
    } catch (e) {
      // The same id for another bag raced this one in; the bag lock serializes same-bag replays.
      if (pgErrorCode(e) === PG_UNIQUE_VIOLATION) {
        throw conflict(
          'CHECKOFF_ID_REUSED',
          '这次登记的编号已用于另一个袋子 / This check-off id was used for another bag.',
        );
      }
      throw e;
    }
    if (to === 'delivered') {
      await transitionOrders(tx, { communityId, id: bag.orderId }, 'fulfilled', {
        from: ['paid'],
        set: { updatedAt: now },
      });
    }
    const batchStatus = await advanceBatch(tx, communityId, bag.batchId, now);
    await writeAudit(tx, {
      communityId,
      actorUserId: user.id,
      action: to === 'delivered' ? 'bag.delivered' : 'bag.exception',
      entityType: 'bag',
      entityId: bag.id,
      before: { status: bag.status },
      after: {
        status: to,
        at: at.toISOString(),
        clientAt: input.clientAt.toISOString(),
        exceptionKind,
        checkoffId: input.checkoffId,
        ...(cash ? { cash } : {}),
      },
    });
    const [relay] = await tx
      .select({ title: relays.title })
      .from(relays)
      .where(and(eq(relays.communityId, communityId), eq(relays.id, bag.relayId)));
    await notifyHouseholds(tx, communityId, [
      {
        householdId: bag.householdId,
        orderId: bag.orderId,
        kind: to === 'delivered' ? 'distribution.bag_delivered' : 'distribution.bag_exception',
        payload: {
          bagId: bag.id,
          relayTitle: relay?.title ?? '',
          at: at.toISOString(),
          by: maskName(user.name),
          time: hhmm(at),
          exceptionKind,
          href: `/r/${communityId}/bag`,
        },
      },
    ]);
    return { bag: updated!, replayed: false as const, batchStatus, cash, relayTitle: relay?.title ?? '' };
  });

  if (!result.replayed) {
    const events: Parameters<typeof publishDistribution>[2] = [
      {
        kind: 'bag',
        bagId: result.bag.id,
        batchId: result.bag.batchId,
        stairwellId: result.bag.stairwellId,
        householdId: result.bag.householdId,
      },
    ];
    if (result.batchStatus === 'completed') events.push({ kind: 'batch', batchId: result.bag.batchId });
    await publishDistribution(ctx, communityId, events);
    if (result.bag.status === 'delivered') {
      await smsOrderNotice(ctx.db, {
        communityId,
        householdId: result.bag.householdId,
        kind: 'order.delivered',
        about: result.bag.orderId,
        params: { title: result.relayTitle.slice(0, 20), time: hhmm(result.bag.deliveredAt ?? now) },
      });
    }
  }
  return {
    bagId: result.bag.id,
    status: result.bag.status,
    replayed: result.replayed,
    deliveredAt: result.bag.deliveredAt,
    cash: result.cash,
  };
}
