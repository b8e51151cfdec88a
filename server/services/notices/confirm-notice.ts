import { z } from 'zod';
import { requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { markReceipt } from './receipt';
import { loadNotice } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const ConfirmNoticeInput = z.object({ communityId: CommunityId, noticeId: Id });
export type ConfirmNoticeInput = z.infer<typeof ConfirmNoticeInput>;

/** 收到请回复: the household confirms it got the notice; records who confirmed and when. */
export async function confirmNotice({ ctx, input: raw }: { ctx: ServiceContext; input: ConfirmNoticeInput }) {
  const input = ConfirmNoticeInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  return inTransaction(actor.ctx.db, async (tx) => {
    const receipt = await markReceipt(tx, actor, input.communityId, input.noticeId, ctx.now(), true);
    const n = await loadNotice(tx, input.communityId, input.noticeId);
    if (!n.needsConfirm)
      throw preconditionFailed(
        'NOTICE_NO_CONFIRM',
        '这条通知不需要回复 / This notice does not ask for a reply.',
      );
    return { noticeId: n.id, readAt: receipt.readAt, confirmedAt: receipt.confirmedAt };
  });
}
