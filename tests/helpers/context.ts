import type { Database } from '@/db/client';
import { createCaller } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { ServiceContext, SessionUser } from '@/server/services/shared/context';

/** A service context as the tRPC context would build it, for calling service verbs directly. */
export function serviceCtx(database: Database, user: SessionUser | null, now?: () => Date): ServiceContext {
  return createContext({ database, user, now });
}

/** The app router called in-process (no HTTP), as a given user or anonymously. */
export function callerFor(database: Database, user: SessionUser | null, now?: () => Date) {
  return createCaller(createContext({ database, user, now }));
}
