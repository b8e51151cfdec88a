import { payHref } from '@/server/services/relay/rules';
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { communities, notifications } from '@/db/schema';
import { Id, SafeString } from '@/server/services/shared/zod';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound } from '@/server/services/shared/errors';
import { inTransaction } from '@/server/services/shared/tx';

/**
 * The signed-in person's own notifications, across every compound. Writers use
 * `server/services/shared/notify.ts` inside the transaction of the change they report.
 */

type NotificationItem = {
  communityId: string;
  communityName: string;
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
};
type NotificationPage = { items: NotificationItem[]; nextCursor: string | null };

export const ListNotificationsInput = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  cursor: SafeString.max(100).nullish(),
  unreadOnly: z.boolean().default(false),
});
export type ListNotificationsInput = z.infer<typeof ListNotificationsInput>;

/** Cursor: `<createdAt ISO>|<id>` of the last item of the previous page (newest first). */
function parseCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = cursor.split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime()))
    throw badRequest('INVALID_CURSOR', '翻页参数无效 / Invalid page cursor.', { field: 'cursor' });
  return { at: date, id };
}

/**
 * Every notification about an order waiting for payment leads to its pay page (issue 10 item 4):
 * "请尽快付款" (placed, also for a 代下单) and a refused payment. (The join writes its link in SQL,
 * for the household's orders page; the pay page shows the order's state once it is paid.)
 */
function withPayLink<T extends { kind: string; communityId: string; payload: Record<string, unknown> }>(
  n: T,
): T {
  const orderId = n.payload?.orderId;
  const unpaid =
    n.kind === 'order.placed' ? Number(n.payload?.totalFen ?? 1) > 0 : n.kind === 'order.payment_failed';
  if (!unpaid || typeof orderId !== 'string') return n;
  return { ...n, payload: { ...n.payload, href: payHref(n.communityId, orderId) } };
}

export async function listNotifications({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListNotificationsInput;
}): Promise<NotificationPage> {
  requireUser(ctx);
  const after = input.cursor ? parseCursor(input.cursor) : null;
  const rows = await ctx.db
    .select({
      communityId: notifications.communityId,
      communityName: communities.name,
      id: notifications.id,
      kind: notifications.kind,
      payload: notifications.payload,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .innerJoin(communities, eq(communities.id, notifications.communityId))
    .where(
      and(
        eq(notifications.userId, ctx.user.id),
        input.unreadOnly ? isNull(notifications.readAt) : undefined,
        after
          ? or(
              lt(notifications.createdAt, after.at),
              and(eq(notifications.createdAt, after.at), lt(notifications.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit).map(withPayLink);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > input.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}

export async function countUnreadNotifications({
  ctx,
}: {
  ctx: ServiceContext;
  input: Record<string, never>;
}): Promise<number> {
  requireUser(ctx);
  return unreadIn(ctx.db, ctx.user.id);
}

export const MarkNotificationsReadInput = z.union([
  z.object({ all: z.literal(true) }),
  z.object({
    items: z
      .array(z.object({ communityId: Id, id: Id }))
      .min(1)
      .max(200),
  }),
]);
export type MarkNotificationsReadInput = z.infer<typeof MarkNotificationsReadInput>;

/**
 * Marks the person's own notifications read (given ones, or all). Idempotent: an already read one
 * stays read with its first time. Another person's notification reads as not found.
 */
export async function markNotificationsRead({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: MarkNotificationsReadInput;
}): Promise<{ marked: number; unread: number }> {
  requireUser(ctx);
  const userId = ctx.user.id;
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    let marked: number;
    if ('all' in input) {
      const r = await tx
        .update(notifications)
        .set({ readAt: now })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      marked = r.length;
    } else {
      const byCommunity = new Map<string, string[]>();
      for (const it of input.items)
        byCommunity.set(it.communityId, [...(byCommunity.get(it.communityId) ?? []), it.id]);
      const match = or(
        ...[...byCommunity].map(([communityId, ids]) =>
          and(eq(notifications.communityId, communityId), inArray(notifications.id, ids)),
        ),
      );
      const mine = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), match));
      const distinct = new Set(input.items.map((i) => `${i.communityId}|${i.id}`));
      if (mine.length < distinct.size) {
        throw notFound('NOTIFICATION_NOT_FOUND', '找不到该通知 / Notification not found.');
      }
      const r = await tx
        .update(notifications)
        .set({ readAt: now })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), match))
        .returning({ id: notifications.id });
      marked = r.length;
    }
    return { marked, unread: await unreadIn(tx, userId) };
  });
}

async function unreadIn(db: DbOrTx, userId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}
