import type { Database, Db } from '@/db/client';

export type SessionUser = { id: string; phone: string | null; name: string };

/** What every service verb receives as `ctx`. Built by the tRPC context, by tests and by jobs. */
export interface ServiceContext {
  db: Db;
  database: Database;
  user: SessionUser | null;
  /** The server's clock; tests pass a fixed one. */
  now: () => Date;
}

export type AuthedContext = ServiceContext & { user: SessionUser };
