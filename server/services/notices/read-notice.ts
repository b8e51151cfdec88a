import { z } from 'zod';
import { requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { markReceipt } from './receipt';
import { loadNotice } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const ReadNoticeInput = z.object({ communityId: CommunityId, noticeId: Id });
export type ReadNoticeInput = z.infer<typeof ReadNoticeInput>;

/** Opening a notice: returns it and marks the household as having read it. */
export async function readNotice({ ctx, input: raw }: { ctx: ServiceContext; input: ReadNoticeInput }) {
  const input = ReadNoticeInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  return inTransaction(actor.ctx.db, async (tx) => {
    const receipt = await markReceipt(tx, actor, input.communityId, input.noticeId, ctx.now(), false);
    const n = await loadNotice(tx, input.communityId, input.noticeId);
    return {
      id: n.id,
      title: n.title,
      body: n.body,
      needsConfirm: n.needsConfirm,
      createdAt: n.createdAt,
      readAt: receipt.readAt,
      confirmedAt: receipt.confirmedAt,
    };
  });
}
