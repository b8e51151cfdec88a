import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tenantKey } from './_columns';
import { merchants } from './merchant';
import { communities, users } from './platform';
import { households } from './roster';
import { relays } from './relay';

/**
 * 接龙留言 (issue 13 item 12): the talk around one relay, and nothing else — the merchant's
 * notices (公告: delivery time changed, an item substituted), residents' questions and the
 * merchant's one answer to each. A coordinator may hide any message (with a reason); it is then
 * gone for residents and the merchant and stays, marked hidden, for coordinators.
 */
export const relayMessageKind = pgEnum('relay_message_kind', ['notice', 'question', 'answer']);

export const relayMessages = pgTable(
  'relay_messages',
  {
    ...tenantKey,
    relayId: uuid().notNull(),
    kind: relayMessageKind().notNull(),
    authorUserId: uuid()
      .notNull()
      .references(() => users.id),
    /** The merchant that wrote a notice or an answer (null for a question). */
    merchantId: uuid().references(() => merchants.id),
    /** The household a question was asked for (null for a notice or an answer). */
    householdId: uuid(),
    /** The question an answer answers (null otherwise). */
    parentId: uuid(),
    body: text().notNull(),
    createdAt: createdAt(),
    hiddenAt: timestamp({ withTimezone: true }),
    hiddenBy: uuid().references(() => users.id),
    hiddenReason: text(),
  },
  (t) => [
    primaryKey({ columns: [t.communityId, t.id] }),
    foreignKey({ columns: [t.communityId], foreignColumns: [communities.id] }),
    foreignKey({ columns: [t.communityId, t.relayId], foreignColumns: [relays.communityId, relays.id] }),
    foreignKey({
      columns: [t.communityId, t.householdId],
      foreignColumns: [households.communityId, households.id],
    }),
    foreignKey({ columns: [t.communityId, t.parentId], foreignColumns: [t.communityId, t.id] }),
    index().on(t.communityId, t.relayId, t.createdAt),
    // The per-household question limit reads a household's recent questions on one relay.
    index().on(t.communityId, t.relayId, t.householdId, t.createdAt),
    // One standing answer per question (a coordinator may hide it; the merchant may then answer again).
    uniqueIndex('relay_messages_one_answer')
      .on(t.communityId, t.parentId)
      .where(sql`${t.kind} = 'answer' and ${t.hiddenAt} is null`),
    check(
      'relay_messages_shape',
      sql`(${t.kind} = 'question' and ${t.householdId} is not null and ${t.parentId} is null and ${t.merchantId} is null)
       or (${t.kind} = 'answer' and ${t.parentId} is not null and ${t.merchantId} is not null)
       or (${t.kind} = 'notice' and ${t.parentId} is null and ${t.merchantId} is not null)`,
    ),
    check('relay_messages_body_nonempty', sql`length(${t.body}) > 0`),
    check('relay_messages_hidden_reason', sql`${t.hiddenAt} is null or ${t.hiddenReason} is not null`),
  ],
);
