/**
 * 催付 (issue 13 item 13): the relay's merchant, or a volunteer of the household's stairwell, sees a
 * relay's unpaid orders and sends one reminder per order — an in-app notification to the
 * household (and whoever placed it), a text to a phone-less household's contacts — at most once
 * per PAYMENT_REMINDER_COOLDOWN_MINUTES per order, whoever sends it. Each reminder is an audit row
 * (`order.payment_reminded`); the cooldown reads those rows under the order's row lock, so two
 * senders at once send one reminder.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { auditLog, households, orders } from '@/db/schema';
import { smsOrderNotice } from '@/server/messaging/order-sms';
import {
  assignedStairwellIds,
  myMemberships,
  requireMerchantMember,
  requireUser,
} from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound, preconditionFailed, tooManyRequests } from '@/server/services/shared/errors';
import { yuan } from '@/server/services/shared/money';
import { notifyUsers } from '@/server/services/shared/notify';
import { maskedPlace } from '@/server/services/shared/privacy';
import { idOf } from '@/server/services/shared/zod';
import { OrderRef, RelayRef } from './fields';
import { householdUserIds, requireRelay, type RelayRow } from './load';
import { inTransaction } from '@/server/services/shared/tx';

export const PAYMENT_REMINDER_COOLDOWN_MINUTES = 30;
const REMINDED = 'order.payment_reminded';
/** The service clock's time of a reminder, kept in its audit row (the row's own `at` is the database's). */
const REMINDED_AT = sql`(${auditLog.after} ->> 'remindedAt')::timestamptz`;

/** `merchantId` when the merchant asks (its own relays only); without it, the caller's stairwells. */
export const ListUnpaidOrdersInput = RelayRef.extend({ merchantId: idOf('商家').optional() });
export type ListUnpaidOrdersInput = z.infer<typeof ListUnpaidOrdersInput>;

export const RemindPaymentInput = OrderRef.extend({ merchantId: idOf('商家').optional() });
export type RemindPaymentInput = z.infer<typeof RemindPaymentInput>;

type UnpaidOrder = {
  orderId: string;
  seq: number;
  totalFen: number;
  holdUntil: Date | null;
  /** Masked: 3号楼 2单元 2**室. */
  place: string;
  lastRemindedAt: Date | null;
  /** When the next reminder may be sent (null: now). */
  nextReminderAt: Date | null;
};

/**
 * Which households of this relay the caller may remind: all (its merchant) or those of the
 * stairwells it volunteers for. Another merchant's relay, or a caller who is neither: refused.
 */
async function reminderScope(
  ctx: AuthedContext,
  relay: RelayRow,
  merchantId: string | undefined,
): Promise<{ stairwellIds: string[] | null }> {
  if (merchantId) {
    await requireMerchantMember(ctx, merchantId);
    if (relay.merchantId !== merchantId) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
    return { stairwellIds: null };
  }
  const mine = await myMemberships(ctx, relay.communityId);
  if (!mine.some((m) => m.role === 'volunteer'))
    throw forbidden(
      'PAYMENT_REMINDER_ROLE_REQUIRED',
      '只有商家和本楼道志愿者可以催付 / Only the merchant and the stairwell’s volunteers can send payment reminders.',
    );
  return { stairwellIds: await assignedStairwellIds(ctx.db, ctx.user.id, relay.communityId) };
}

async function lastReminders(db: DbOrTx, communityId: string, orderIds: string[]) {
  if (orderIds.length === 0) return new Map<string, Date>();
  const rows = await db
    .select({ id: auditLog.entityId, at: sql<string>`max(${REMINDED_AT})` })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.communityId, communityId),
        eq(auditLog.action, REMINDED),
        inArray(auditLog.entityId, orderIds),
      ),
    )
    .groupBy(auditLog.entityId);
  return new Map(rows.map((r) => [r.id, new Date(r.at)]));
}

function nextAllowed(last: Date | undefined, now: Date): Date | null {
  if (!last) return null;
  const next = new Date(last.getTime() + PAYMENT_REMINDER_COOLDOWN_MINUTES * 60_000);
  return next > now ? next : null;
}

export async function listUnpaidOrders({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListUnpaidOrdersInput;
}): Promise<UnpaidOrder[]> {
  requireUser(ctx);
  const { communityId, relayId } = ListUnpaidOrdersInput.parse(input);
  const relay = await requireRelay(ctx.db, communityId, relayId);
  const { stairwellIds } = await reminderScope(ctx, relay, input.merchantId);
  if (stairwellIds && stairwellIds.length === 0) return [];
  const rows = await ctx.db
    .select({
      orderId: orders.id,
      seq: orders.seq,
      totalFen: orders.totalFen,
      holdUntil: orders.holdUntil,
      building: sql<string>`(select b.number from stairwells s join buildings b on b.id = s.building_id where s.id = ${households.stairwellId})`,
      stairwell: sql<string>`(select s.number from stairwells s where s.id = ${households.stairwellId})`,
      room: households.room,
    })
    .from(orders)
    .innerJoin(
      households,
      and(eq(households.communityId, orders.communityId), eq(households.id, orders.householdId)),
    )
    .where(
      and(
        eq(orders.communityId, communityId),
        eq(orders.relayId, relayId),
        eq(orders.status, 'pending_payment'),
        stairwellIds ? inArray(households.stairwellId, stairwellIds) : undefined,
      ),
    )
    .orderBy(orders.seq);
  const last = await lastReminders(
    ctx.db,
    communityId,
    rows.map((r) => r.orderId),
  );
  const now = ctx.now();
  return rows.map((r) => ({
    orderId: r.orderId,
    seq: r.seq,
    totalFen: r.totalFen,
    holdUntil: r.holdUntil,
    place: maskedPlace({ building: r.building, stairwell: r.stairwell, room: r.room }),
    lastRemindedAt: last.get(r.orderId) ?? null,
    nextReminderAt: nextAllowed(last.get(r.orderId), now),
  }));
}

export async function remindPayment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RemindPaymentInput;
}): Promise<{ orderId: string; remindedAt: Date; nextReminderAt: Date }> {
  requireUser(ctx);
  const { communityId, orderId, merchantId } = RemindPaymentInput.parse(input);
  const missing = notFound('ORDER_NOT_FOUND', '找不到该订单 / Order not found.');
  const [order] = await ctx.db
    .select({ o: orders, stairwellId: households.stairwellId })
    .from(orders)
    .innerJoin(
      households,
      and(eq(households.communityId, orders.communityId), eq(households.id, orders.householdId)),
    )
    .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)));
  if (!order) throw missing;
  const relay = await requireRelay(ctx.db, communityId, order.o.relayId);
  const { stairwellIds } = await reminderScope(ctx, relay, merchantId);
  if (stairwellIds && !stairwellIds.includes(order.stairwellId)) throw missing;
  const now = ctx.now();
  const sent = await inTransaction(ctx.db, async (tx) => {
    const [locked] = await tx
      .select({ status: orders.status })
      .from(orders)
      .where(and(eq(orders.communityId, communityId), eq(orders.id, orderId)))
      .for('update');
    if (locked?.status !== 'pending_payment')
      throw preconditionFailed('ORDER_NOT_UNPAID', '这笔订单已不是待付款 / This order is no longer unpaid.');
    const next = nextAllowed((await lastReminders(tx, communityId, [orderId])).get(orderId), now);
    if (next) {
      const retryAfterSeconds = Math.ceil((next.getTime() - now.getTime()) / 1000);
      throw tooManyRequests(
        'PAYMENT_REMINDER_COOLDOWN',
        `已经催过了，${Math.ceil(retryAfterSeconds / 60)} 分钟后可再提醒 / Already reminded; try again in ${Math.ceil(retryAfterSeconds / 60)} min.`,
        { details: { retryAfterSeconds, nextReminderAt: next.toISOString() } },
      );
    }
    await writeAudit(tx, {
      communityId,
      actorUserId: ctx.user.id,
      action: REMINDED,
      entityType: 'order',
      entityId: orderId,
      after: {
        by: merchantId ? 'merchant' : 'volunteer',
        relayId: relay.id,
        seq: order.o.seq,
        remindedAt: now.toISOString(),
      },
    });
    const userIds = await householdUserIds(tx, communityId, order.o.householdId, order.o.placedBy);
    const payload = {
      orderId,
      relayId: relay.id,
      relayTitle: relay.title,
      seq: order.o.seq,
      amount: yuan(order.o.totalFen),
      href: `/pay/${orderId}?c=${communityId}`,
    };
    await notifyUsers(
      tx,
      userIds.map((userId) => ({ communityId, userId, kind: 'order.payment_reminder', payload })),
    );
    return payload;
  });
  await smsOrderNotice(ctx.db, {
    communityId,
    householdId: order.o.householdId,
    kind: 'order.payment_reminder',
    about: `${orderId}@${now.toISOString()}`,
    params: { seq: String(sent.seq), amount: sent.amount, relay: relay.title },
  });
  return {
    orderId,
    remindedAt: now,
    nextReminderAt: new Date(now.getTime() + PAYMENT_REMINDER_COOLDOWN_MINUTES * 60_000),
  };
}
