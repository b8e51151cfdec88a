/**
 * A resident asks the merchant a question under a relay of their compound, for one of their own
 * households. Anyone of the compound sees it (the asker masked); the merchant answers once. At
 * most QUESTIONS_PER_DAY per household per relay, counted under the household's row lock. The
 * merchant's team hears of it in the app (their bell, across compounds).
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { households, merchantMembers, relayMessages } from '@/db/schema';
import { requireRelay } from '@/server/services/relay/load';
import { myMemberships, requireUser } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import { inTransaction } from '@/server/services/shared/tx';
import type { ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound, preconditionFailed, tooManyRequests } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { idOf } from '@/server/services/shared/zod';
import { checkBody, MessageBody, RelayTalkRef } from './fields';
import { waitToSend } from './load';
import { excerpt, mayAsk, QUESTION_LIMIT, QUESTIONS_PER_DAY } from './rules';

export const AskQuestionInput = RelayTalkRef.extend({ householdId: idOf('住户'), body: MessageBody });
export type AskQuestionInput = z.input<typeof AskQuestionInput>;

export async function askQuestion({
  ctx,
  input: rawInput,
}: {
  ctx: ServiceContext;
  input: AskQuestionInput;
}): Promise<{ messageId: string }> {
  const input = AskQuestionInput.parse(rawInput);
  requireUser(ctx);
  const c = input.communityId;
  const mine = await myMemberships(ctx, c);
  if (mine.length === 0) throw notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');
  if (!mine.some((m) => m.role === 'resident'))
    throw forbidden(
      'RELAY_QUESTION_RESIDENT_ONLY',
      '只有本小区住户可以提问 / Only residents of the compound can ask questions.',
    );
  if (!mine.some((m) => m.role === 'resident' && m.householdId === input.householdId))
    throw notFound('HOUSEHOLD_NOT_FOUND', '找不到该住户 / Household not found.', { field: 'householdId' });
  const relay = await requireRelay(ctx.db, c, input.relayId);
  const body = checkBody('question', input.body);
  if (!mayAsk(relay.status))
    throw preconditionFailed(
      'RELAY_TALK_CLOSED',
      '这个接龙现在不能提问 / Questions are closed on this relay.',
      {
        details: { status: relay.status },
      },
    );
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    await tx
      .select({ id: households.id })
      .from(households)
      .where(and(eq(households.communityId, c), eq(households.id, input.householdId)))
      .for('update');
    const wait = await waitToSend(
      tx,
      { communityId: c, relayId: relay.id, kind: 'question', householdId: input.householdId },
      QUESTION_LIMIT,
      now,
    );
    if (wait !== null)
      throw tooManyRequests(
        'RELAY_QUESTION_LIMIT',
        `每户每个接龙一天最多提 ${QUESTIONS_PER_DAY} 个问题 / At most ${QUESTIONS_PER_DAY} questions a day per household on one relay.`,
        { details: { retryAfterSeconds: wait, limit: QUESTIONS_PER_DAY } },
      );
    const [message] = await tx
      .insert(relayMessages)
      .values({
        communityId: c,
        relayId: relay.id,
        kind: 'question',
        authorUserId: ctx.user.id,
        householdId: input.householdId,
        body,
        createdAt: now,
      })
      .returning({ id: relayMessages.id });
    await writeAudit(tx, {
      communityId: c,
      actorUserId: ctx.user.id,
      action: 'relay_message.question',
      entityType: 'relay_message',
      entityId: message!.id,
      after: { relayId: relay.id, householdId: input.householdId, chars: Array.from(body).length },
    });
    const team = await tx
      .select({ userId: merchantMembers.userId })
      .from(merchantMembers)
      .where(eq(merchantMembers.merchantId, relay.merchantId));
    const payload = {
      relayId: relay.id,
      relayTitle: relay.title,
      messageId: message!.id,
      excerpt: excerpt(body),
      href: `/m/${relay.merchantId}/relays/${relay.id}`,
    };
    await notifyUsers(
      tx,
      team.map((t) => ({ communityId: c, userId: t.userId, kind: 'relay.question', payload })),
    );
    return { messageId: message!.id };
  });
}
