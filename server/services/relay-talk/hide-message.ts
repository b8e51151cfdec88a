/**
 * A coordinator (admin or owner) of the compound hides a message under a relay, with a reason:
 * it disappears for residents and the merchant (a hidden question takes its answer with it) and
 * stays, marked hidden with the reason, for coordinators. Audited in the same transaction.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { relayMessages } from '@/db/schema';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { inTransaction } from '@/server/services/shared/tx';
import { conflict } from '@/server/services/shared/errors';
import { CommunityId, idOf, safeText } from '@/server/services/shared/zod';
import { findMessage, messageNotFound } from './load';

const HIDE_REASON_MAX_CHARS = 200;

export const HideMessageInput = z.object({
  communityId: CommunityId,
  messageId: idOf('留言'),
  reason: safeText({
    min: 1,
    max: HIDE_REASON_MAX_CHARS,
    minMessage: '请写明隐藏原因 / Please give a reason.',
    maxMessage: `原因最多 ${HIDE_REASON_MAX_CHARS} 个字 / At most ${HIDE_REASON_MAX_CHARS} characters.`,
  }),
});
export type HideMessageInput = z.input<typeof HideMessageInput>;

export async function hideMessage({
  ctx,
  input: rawInput,
}: {
  ctx: ServiceContext;
  input: HideMessageInput;
}): Promise<{ messageId: string; hiddenAt: Date }> {
  const input = HideMessageInput.parse(rawInput);
  const c = input.communityId;
  await requireRole(ctx, c, COORDINATOR_ROLES);
  const user = (ctx as AuthedContext).user;
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const message = await findMessage(tx, c, input.messageId, { lock: true });
    if (!message) throw messageNotFound();
    if (message.hiddenAt)
      throw conflict('RELAY_MESSAGE_ALREADY_HIDDEN', '这条留言已经隐藏了 / This message is already hidden.');
    await tx
      .update(relayMessages)
      .set({ hiddenAt: now, hiddenBy: user.id, hiddenReason: input.reason })
      .where(
        and(
          eq(relayMessages.communityId, c),
          eq(relayMessages.id, message.id),
          isNull(relayMessages.hiddenAt),
        ),
      );
    await writeAudit(tx, {
      communityId: c,
      actorUserId: user.id,
      action: 'relay_message.hide',
      entityType: 'relay_message',
      entityId: message.id,
      before: { kind: message.kind, body: message.body },
      after: { reason: input.reason, relayId: message.relayId },
    });
    return { messageId: message.id, hiddenAt: now };
  });
}
