import { sql } from 'drizzle-orm';
import { integer, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Every tenant table starts with these two; the primary key is `(community_id, id)` (docs/SCALING.md). */
export const tenantKey = {
  communityId: uuid().notNull(),
  id: uuid().notNull().defaultRandom(),
};

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** Money is an integer number of fen. */
export const fen = () => integer();

export const nowSql = sql`now()`;
