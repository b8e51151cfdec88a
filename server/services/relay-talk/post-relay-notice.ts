/**
 * 团长公告: the relay's merchant posts a notice (delivery time changed, an item substituted) that
 * reaches every household with a standing order in the relay — an in-app notification to each of
 * its people, written in the notice's transaction, and a text to the contacts of a phone-less
 * household after the commit. At most NOTICES_PER_HOUR per relay, counted under the relay's row
 * lock so two posts at once cannot both slip in.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { relayMessages, relays } from '@/db/schema';
import { merchantName } from '@/server/services/relay/load';
import { writeAudit } from '@/server/services/shared/audit';
import { inTransaction } from '@/server/services/shared/tx';
import type { ServiceContext } from '@/server/services/shared/context';
import { preconditionFailed, tooManyRequests } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { idOf } from '@/server/services/shared/zod';
import { relayAudience, smsPhoneless } from './audience';
import { checkBody, MessageBody, RelayTalkRef } from './fields';
import { relayHref, requireOwnRelay, waitToSend } from './load';
import { excerpt, mayPostNotice, NOTICE_LIMIT, NOTICES_PER_HOUR } from './rules';

export const PostRelayNoticeInput = RelayTalkRef.extend({ merchantId: idOf('商家'), body: MessageBody });
export type PostRelayNoticeInput = z.input<typeof PostRelayNoticeInput>;

export async function postRelayNotice({
  ctx: raw,
  input: rawInput,
}: {
  ctx: ServiceContext;
  input: PostRelayNoticeInput;
}): Promise<{ messageId: string; householdCount: number; notified: number }> {
  const input = PostRelayNoticeInput.parse(rawInput);
  const { ctx, relay } = await requireOwnRelay(raw, input);
  const body = checkBody('notice', input.body);
  if (!mayPostNotice(relay.status))
    throw preconditionFailed(
      'RELAY_TALK_CLOSED',
      '这个接龙现在不能发公告 / Notices cannot be posted on this relay now.',
      { details: { status: relay.status } },
    );
  const c = input.communityId;
  const now = ctx.now();
  const merchant = await merchantName(ctx.db, relay.merchantId);
  const posted = await inTransaction(ctx.db, async (tx) => {
    await tx
      .select({ id: relays.id })
      .from(relays)
      .where(and(eq(relays.communityId, c), eq(relays.id, relay.id)))
      .for('update');
    const wait = await waitToSend(
      tx,
      { communityId: c, relayId: relay.id, kind: 'notice' },
      NOTICE_LIMIT,
      now,
    );
    if (wait !== null)
      throw tooManyRequests(
        'RELAY_NOTICE_LIMIT',
        `每个接龙每小时最多发 ${NOTICES_PER_HOUR} 条公告，${Math.ceil(wait / 60)} 分钟后可再发 / At most ${NOTICES_PER_HOUR} notices an hour per relay; try again in ${Math.ceil(wait / 60)} min.`,
        { details: { retryAfterSeconds: wait, limit: NOTICES_PER_HOUR } },
      );
    const [message] = await tx
      .insert(relayMessages)
      .values({
        communityId: c,
        relayId: relay.id,
        kind: 'notice',
        authorUserId: ctx.user.id,
        merchantId: relay.merchantId,
        body,
        createdAt: now,
      })
      .returning({ id: relayMessages.id });
    const audience = await relayAudience(tx, c, relay.id);
    const payload = {
      relayId: relay.id,
      relayTitle: relay.title,
      merchantName: merchant,
      messageId: message!.id,
      excerpt: excerpt(body),
      href: relayHref(c, relay.id),
    };
    await notifyUsers(
      tx,
      audience.userIds.map((userId) => ({ communityId: c, userId, kind: 'relay.notice', payload })),
    );
    await writeAudit(tx, {
      communityId: c,
      actorUserId: ctx.user.id,
      action: 'relay_message.notice',
      entityType: 'relay_message',
      entityId: message!.id,
      after: {
        relayId: relay.id,
        merchantId: relay.merchantId,
        chars: Array.from(body).length,
        householdCount: audience.householdIds.length,
      },
    });
    return { messageId: message!.id, audience };
  });
  await smsPhoneless(ctx.db, {
    communityId: c,
    householdIds: posted.audience.phonelessHouseholdIds,
    messageId: posted.messageId,
    params: { relay: relay.title, merchant, text: excerpt(body, 40) },
  });
  return {
    messageId: posted.messageId,
    householdCount: posted.audience.householdIds.length,
    notified: posted.audience.userIds.length,
  };
}
