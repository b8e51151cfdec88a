import type { Database, Db } from '@/db/client';

export type SessionUser = {
  id: string;
  phone: string | null;
  name: string;
  /** The signed-in browser's session (auth_sessions.id, the token's jti), when there is one. */
  sessionId?: string;
};

/** What every service verb receives as `ctx`. Built by the tRPC context, by tests and by jobs. */
export interface ServiceContext {
  db: Db;
  database: Database;
  user: SessionUser | null;
  /** The server's clock; tests pass a fixed one. */
  now: () => Date;
  /**
   * The caller's memberships per compound, read once per request (see `myMemberships` in
   * access.ts): the procedure's role check and the service's scope check share the one read.
   */
  memberships?: Map<
    string,
    Promise<readonly { role: 'resident' | 'volunteer' | 'admin' | 'owner'; householdId: string | null }[]>
  >;
}

export type AuthedContext = ServiceContext & { user: SessionUser };
