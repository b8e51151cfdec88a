import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { noticeReceipts, notices } from '@/db/schema';
import { requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';

export const ListMyNoticesInput = z.object({ communityId: CommunityId });
export type ListMyNoticesInput = z.infer<typeof ListMyNoticesInput>;

export type MyNotice = {
  id: string;
  title: string;
  body: string;
  needsConfirm: boolean;
  photoKey: string | null;
  createdAt: Date;
  readAt: Date | null;
  confirmedAt: Date | null;
};

/** A resident's notices, unread first, then newest first (the home page shows the top ones). */
export async function listMyNotices({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ListMyNoticesInput;
}): Promise<MyNotice[]> {
  const input = ListMyNoticesInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  if (actor.householdIds.length === 0) return [];
  return actor.ctx.db
    .select({
      id: notices.id,
      title: notices.title,
      body: notices.body,
      needsConfirm: notices.needsConfirm,
      photoKey: notices.photoKey,
      createdAt: notices.createdAt,
      readAt: noticeReceipts.readAt,
      confirmedAt: noticeReceipts.confirmedAt,
    })
    .from(noticeReceipts)
    .innerJoin(
      notices,
      and(eq(notices.communityId, noticeReceipts.communityId), eq(notices.id, noticeReceipts.noticeId)),
    )
    .where(
      and(
        eq(noticeReceipts.communityId, input.communityId),
        inArray(noticeReceipts.householdId, actor.householdIds),
      ),
    )
    .orderBy(sql`${noticeReceipts.readAt} is null desc`, desc(notices.createdAt))
    .limit(50);
}
