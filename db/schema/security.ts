import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './_columns';
import { users } from './platform';

/**
 * Reference table: one row per signed-in browser (the JWT's `jti`). Sign-out sets `revoked_at`;
 * `last_seen_at` drives the idle timeout. The session token is checked against this row (and the
 * user's `session_version`) on every request, cached for a few seconds (server/auth/session-check.ts).
 */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuid().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The user's session_version when this session was issued; a bump ends it. */
    version: integer().notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId), index().on(t.expiresAt)],
);

/**
 * Reference table: counters of the per-client limits (rate-limiter-flexible's Drizzle store), shared
 * by every app instance. `key` is `<rule>:<client>`; rows past `expire` are dead and swept.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text().primaryKey(),
    points: integer().notNull().default(0),
    expire: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.expire)],
);
