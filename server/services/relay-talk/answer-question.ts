/**
 * The relay's merchant answers a question, once. The asker's household (its residents, and the
 * person who asked) is told in the app. A hidden question cannot be answered (it is gone for the
 * merchant); a second answer is `RELAY_QUESTION_ALREADY_ANSWERED`, also when two arrive at once
 * (the unique index `relay_messages_one_answer`) — unless a coordinator hid the first one.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { relayMessages } from '@/db/schema';
import { householdUserIds } from '@/server/services/relay/load';
import { writeAudit } from '@/server/services/shared/audit';
import { inTransaction } from '@/server/services/shared/tx';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict, PG_UNIQUE_VIOLATION, pgErrorCode } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { CommunityId, idOf } from '@/server/services/shared/zod';
import { checkBody, MessageBody } from './fields';
import { findMessage, messageNotFound, relayHref, requireMerchantCaller, requireOwnRelay } from './load';
import { excerpt } from './rules';

export const AnswerQuestionInput = z.object({
  communityId: CommunityId,
  merchantId: idOf('商家'),
  questionId: idOf('问题'),
  body: MessageBody,
});
export type AnswerQuestionInput = z.input<typeof AnswerQuestionInput>;

const alreadyAnswered = () =>
  conflict(
    'RELAY_QUESTION_ALREADY_ANSWERED',
    '这个问题已经回答过了 / This question has already been answered.',
  );

export async function answerQuestion({
  ctx: raw,
  input: rawInput,
}: {
  ctx: ServiceContext;
  input: AnswerQuestionInput;
}): Promise<{ messageId: string }> {
  const input = AnswerQuestionInput.parse(rawInput);
  const c = input.communityId;
  await requireMerchantCaller(raw, input.merchantId);
  const question = await findMessage(raw.db, c, input.questionId);
  if (!question || question.kind !== 'question' || question.hiddenAt) throw messageNotFound();
  const { ctx, relay } = await requireOwnRelay(raw, {
    merchantId: input.merchantId,
    communityId: c,
    relayId: question.relayId,
  });
  const body = checkBody('answer', input.body);
  const now = ctx.now();
  try {
    return await inTransaction(ctx.db, async (tx) => {
      const [existing] = await tx
        .select({ id: relayMessages.id })
        .from(relayMessages)
        .where(
          and(
            eq(relayMessages.communityId, c),
            eq(relayMessages.parentId, question.id),
            eq(relayMessages.kind, 'answer'),
            isNull(relayMessages.hiddenAt),
          ),
        );
      if (existing) throw alreadyAnswered();
      const [message] = await tx
        .insert(relayMessages)
        .values({
          communityId: c,
          relayId: relay.id,
          kind: 'answer',
          authorUserId: ctx.user.id,
          merchantId: relay.merchantId,
          parentId: question.id,
          body,
          createdAt: now,
        })
        .returning({ id: relayMessages.id });
      const userIds = await householdUserIds(tx, c, question.householdId!, question.authorUserId);
      const payload = {
        relayId: relay.id,
        relayTitle: relay.title,
        messageId: message!.id,
        question: excerpt(question.body, 30),
        excerpt: excerpt(body),
        href: relayHref(c, relay.id),
      };
      await notifyUsers(
        tx,
        userIds.map((userId) => ({ communityId: c, userId, kind: 'relay.answer', payload })),
      );
      await writeAudit(tx, {
        communityId: c,
        actorUserId: ctx.user.id,
        action: 'relay_message.answer',
        entityType: 'relay_message',
        entityId: message!.id,
        after: { relayId: relay.id, questionId: question.id, chars: Array.from(body).length },
      });
      return { messageId: message!.id };
    });
  } catch (e) {
    if (pgErrorCode(e) === PG_UNIQUE_VIOLATION) throw alreadyAnswered();
    throw e;
  }
}
