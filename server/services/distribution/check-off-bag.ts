import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { bagEvents, bags, batches, relays } from '@/db/schema';
import { Id } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext, SessionUser } from '@/server/services/shared/context';
import type { Tx } from '@/db/client';
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
import { inTransaction } from '@/server/services/shared/tx';

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

type Bag = typeof bags.$inferSelect;
type Cash = CheckOffBagResult['cash'];
type ExceptionKind = CheckOffBagInput['exceptionKind'] | 'cash_mismatch';
type Step = { tx: Tx; input: CheckOffBagInput; user: SessionUser; now: Date };

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
  const orderId = await checkInput(ctx, input);
  await requirePhoto(input.communityId, input.photoKey);
  const scope = await stairwellScope({ ...ctx, user }, communityId);
  const now = ctx.now();

  const result = await inTransaction(ctx.db, async (tx) => {
    const step: Step = { tx, input, user, now };
    const bag = await lockBag(tx, input, orderId);
    if (!bag || !inScope(scope, bag.stairwellId)) throw BAG_NOT_FOUND();
    if (await isReplay(step, bag)) return { bag, replayed: true as const, batchStatus: null, cash: null };
    const releasedAt = await requireReleasedBatch(tx, communityId, bag.batchId);
    const wanted: BagStatus = input.outcome === 'delivered' ? 'delivered' : 'exception';
    requireMove(bag.status, wanted);
    const at = effectiveCheckoffTime(input.clientAt, now, releasedAt);
    const { to, cash, exceptionKind, note } = await settleCash(step, bag, wanted, at);
    const updated = await moveBag(step, bag, { to, at, exceptionKind, note });
    await recordEvent(step, bag, { to, exceptionKind, note });
    if (to === 'delivered') {
      await transitionOrders(tx, { communityId, id: bag.orderId }, 'fulfilled', {
        from: ['paid'],
        set: { updatedAt: now },
      });
    }
    const batchStatus = await advanceBatch(tx, communityId, bag.batchId, now);
    const relayTitle = await auditAndNotify(step, bag, { to, at, exceptionKind, cash });
    return { bag: updated, replayed: false as const, batchStatus, cash, relayTitle };
  });

  if (!result.replayed) {
    await announce(ctx, communityId, result.bag, result.batchStatus, result.relayTitle, now);
  }
  return {
    bagId: result.bag.id,
    status: result.bag.status,
    replayed: result.replayed,
    deliveredAt: result.bag.deliveredAt,
    cash: result.cash,
  };
}

/** The input's own rules; a code must name a bag of this compound. Returns the code's order. */
async function checkInput(ctx: ServiceContext, input: CheckOffBagInput): Promise<string | null> {
  if (input.outcome === 'exception' && !input.exceptionKind) {
    throw badRequest('EXCEPTION_KIND_REQUIRED', '请选择异常原因 / Choose what went wrong.', {
      field: 'exceptionKind',
    });
  }
  if (!input.bagId && !input.code) {
    throw badRequest('BAG_REQUIRED', '请扫码或选择袋子 / Scan a label or pick a bag.', { field: 'code' });
  }
  if (!input.code) return null;
  // The label's QR or its typed 短码. A forged code, a typo, or another compound's label: none of
  // them names a bag here.
  const orderId = await orderOfBagCode(ctx.db, input.communityId, input.code, input.bagId ?? null);
  if (!orderId)
    throw badRequest(
      'BAG_CODE_INVALID',
      '这不是本小区的有效袋签 / This is not a valid bag label of this compound.',
      { field: 'code' },
    );
  return orderId;
}

async function lockBag(tx: Tx, input: CheckOffBagInput, orderId: string | null): Promise<Bag | undefined> {
  const [bag] = await tx
    .select()
    .from(bags)
    .where(
      and(
        eq(bags.communityId, input.communityId),
        input.bagId ? eq(bags.id, input.bagId) : eq(bags.orderId, orderId!),
        input.bagId && orderId ? eq(bags.orderId, orderId) : undefined,
      ),
    )
    .for('update');
  return bag;
}

const checkoffIdReused = () =>
  conflict(
    'CHECKOFF_ID_REUSED',
    '这次登记的编号已用于另一个袋子 / This check-off id was used for another bag.',
  );

/** True when this check-off id was already applied to this bag; refused when it names another bag. */
async function isReplay({ tx, input }: Step, bag: Bag): Promise<boolean> {
  const [previous] = await tx
    .select({ bagId: bagEvents.bagId })
    .from(bagEvents)
    .where(and(eq(bagEvents.communityId, input.communityId), eq(bagEvents.id, input.checkoffId)));
  if (!previous) return false;
  if (previous.bagId !== bag.id) throw checkoffIdReused();
  return true;
}

async function requireReleasedBatch(tx: Tx, communityId: string, batchId: string): Promise<Date | null> {
  const [batch] = await tx
    .select({ status: batches.status, releasedAt: batches.releasedAt })
    .from(batches)
    .where(and(eq(batches.communityId, communityId), eq(batches.id, batchId)));
  if (!batch || batch.status === 'received' || batch.status === 'disinfecting') {
    throw preconditionFailed(
      'BATCH_NOT_RELEASED',
      '这一批还没有消杀放行，不能派送 / This batch has not been released after disinfection yet.',
    );
  }
  return batch.releasedAt;
}

function requireMove(from: BagStatus, to: BagStatus) {
  // delivered → pending | exception is only the undo's (undo-check-off.ts), never a check-off.
  if (from !== 'delivered' && canTransitionBag(from, to)) return;
  const code =
    from === 'delivered'
      ? 'BAG_ALREADY_DELIVERED'
      : from === 'refunded'
        ? 'BAG_ALREADY_REFUNDED'
        : 'BAG_ALREADY_EXCEPTION';
  throw preconditionFailed(
    code,
    '这个袋子的状态已经变了，请刷新 / This bag has already been handled; refresh the list.',
    {
      details: { status: from },
    },
  );
}

/** 货到付款: the cash collected is recorded with the hand-over; a different amount is an exception. */
async function settleCash({ tx, input, user }: Step, bag: Bag, wanted: BagStatus, at: Date) {
  let to = wanted;
  let cash: Cash = null;
  let exceptionKind: ExceptionKind = input.exceptionKind ?? null;
  let note = input.note?.trim() || null;
  const open = to === 'delivered' ? await openCashPayment(tx, input.communityId, bag.orderId) : undefined;
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
  return { to, cash, exceptionKind, note };
}

async function moveBag(
  { tx, input, user, now }: Step,
  bag: Bag,
  m: { to: BagStatus; at: Date; exceptionKind: ExceptionKind; note: string | null },
): Promise<Bag> {
  const [updated] = await transitionBag(tx, { communityId: input.communityId, id: bag.id }, m.to, {
    from: [bag.status],
    set:
      m.to === 'delivered'
        ? {
            deliveredAt: m.at,
            deliveredBy: user.id,
            clientAt: input.clientAt,
            photoKey: input.photoKey ?? bag.photoKey,
            updatedAt: now,
          }
        : {
            exceptionKind: m.exceptionKind!,
            exceptionNote: m.note,
            exceptionAt: m.at,
            exceptionBy: user.id,
            clientAt: input.clientAt,
            photoKey: input.photoKey ?? bag.photoKey,
            updatedAt: now,
          },
  }).returning();
  return updated!;
}

async function recordEvent(
  { tx, input, user, now }: Step,
  bag: Bag,
  m: { to: BagStatus; exceptionKind: ExceptionKind; note: string | null },
) {
  try {
    await tx.insert(bagEvents).values({
      communityId: input.communityId,
      id: input.checkoffId,
      bagId: bag.id,
      actorUserId: user.id,
      outcome: m.to === 'delivered' ? 'delivered' : 'exception',
      exceptionKind: m.to === 'exception' ? m.exceptionKind! : null,
      note: m.note,
      fromStatus: bag.status,
      toStatus: m.to,
      via: input.via ?? (input.code ? 'scan' : 'tap'),
      clientAt: input.clientAt,
      receivedAt: now,
    });
  } catch (e) {
    // The same id for another bag raced this one in; the bag lock serializes same-bag replays.
    if (pgErrorCode(e) === PG_UNIQUE_VIOLATION) throw checkoffIdReused();
    throw e;
  }
}

/** The audit row and the household's notice; returns the relay's title for the SMS. */
async function auditAndNotify(
  { tx, input, user }: Step,
  bag: Bag,
  m: { to: BagStatus; at: Date; exceptionKind: ExceptionKind; cash: Cash },
): Promise<string> {
  const { communityId } = input;
  await writeAudit(tx, {
    communityId,
    actorUserId: user.id,
    action: m.to === 'delivered' ? 'bag.delivered' : 'bag.exception',
    entityType: 'bag',
    entityId: bag.id,
    before: { status: bag.status },
    after: {
      status: m.to,
      at: m.at.toISOString(),
      clientAt: input.clientAt.toISOString(),
      exceptionKind: m.exceptionKind,
      checkoffId: input.checkoffId,
      ...(m.cash ? { cash: m.cash } : {}),
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
      kind: m.to === 'delivered' ? 'distribution.bag_delivered' : 'distribution.bag_exception',
      payload: {
        bagId: bag.id,
        relayTitle: relay?.title ?? '',
        at: m.at.toISOString(),
        by: maskName(user.name),
        time: hhmm(m.at),
        exceptionKind: m.exceptionKind,
        href: `/r/${communityId}/bag`,
      },
    },
  ]);
  return relay?.title ?? '';
}

/** After commit: the live update, and the resident's SMS when the bag was delivered. */
async function announce(
  ctx: ServiceContext,
  communityId: string,
  bag: Bag,
  batchStatus: Awaited<ReturnType<typeof advanceBatch>>,
  relayTitle: string,
  now: Date,
) {
  const events: Parameters<typeof publishDistribution>[2] = [
    {
      kind: 'bag',
      bagId: bag.id,
      batchId: bag.batchId,
      stairwellId: bag.stairwellId,
      householdId: bag.householdId,
    },
  ];
  if (batchStatus === 'completed') events.push({ kind: 'batch', batchId: bag.batchId });
  await publishDistribution(ctx, communityId, events);
  if (bag.status === 'delivered') {
    await smsOrderNotice(ctx.db, {
      communityId,
      householdId: bag.householdId,
      kind: 'order.delivered',
      about: bag.orderId,
      params: { title: relayTitle.slice(0, 20), time: hhmm(bag.deliveredAt ?? now) },
    });
  }
}
