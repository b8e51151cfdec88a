import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { notices } from '@/db/schema';
import { notFound } from '@/server/services/shared/errors';

export type NoticeRow = typeof notices.$inferSelect;

export const noticeNotFound = () => notFound('NOTICE_NOT_FOUND', '找不到该通知 / Notice not found.');

export async function loadNotice(db: DbOrTx, communityId: string, noticeId: string): Promise<NoticeRow> {
  const [n] = await db
    .select()
    .from(notices)
    .where(and(eq(notices.communityId, communityId), eq(notices.id, noticeId)));
  if (!n) throw noticeNotFound();
  return n;
}
