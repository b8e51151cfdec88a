import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { noticeReceipts } from '@/db/schema';
import type { Actor } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import { noticeNotFound } from './scope';

/**
 * Marks the resident's household(s) as having read (and, when asked, confirmed) a notice. The
 * first read and the first confirmation stick (coalesce): a second phone of the same household
 * reading later does not move them. Not a receipt of theirs → not found.
 */
export async function markReceipt(
  tx: Tx,
  actor: Actor,
  communityId: string,
  noticeId: string,
  at: Date,
  confirm: boolean,
) {
  if (actor.householdIds.length === 0) throw noticeNotFound();
  const rows = await tx
    .update(noticeReceipts)
    .set({
      readAt: sql`coalesce(${noticeReceipts.readAt}, ${at.toISOString()}::timestamptz)`,
      readBy: sql`coalesce(${noticeReceipts.readBy}, ${actor.userId}::uuid)`,
      ...(confirm
        ? {
            confirmedAt: sql`coalesce(${noticeReceipts.confirmedAt}, ${at.toISOString()}::timestamptz)`,
            confirmedBy: sql`coalesce(${noticeReceipts.confirmedBy}, ${actor.userId}::uuid)`,
          }
        : {}),
    })
    .where(
      and(
        eq(noticeReceipts.communityId, communityId),
        eq(noticeReceipts.noticeId, noticeId),
        inArray(noticeReceipts.householdId, actor.householdIds),
      ),
    )
    .returning({
      householdId: noticeReceipts.householdId,
      readAt: noticeReceipts.readAt,
      confirmedAt: noticeReceipts.confirmedAt,
    });
  if (rows.length === 0) throw noticeNotFound();
  await writeAudit(tx, {
    communityId,
    actorUserId: actor.userId,
    action: confirm ? 'notice.confirm' : 'notice.read',
    entityType: 'notice',
    entityId: noticeId,
    after: { households: rows.map((r) => r.householdId) },
  });
  return rows[0]!;
}
