import { cache } from 'react';
import { getDatabase } from '@/db/client';
import { getSessionUser } from '@/server/auth/session';
import { getMe, type Me, type MeCommunity } from '@/server/services/platform/get-me';
export { destinationsOf, type Destination } from '@/app/_components/destinations';
import type { ServiceContext } from '@/server/services/shared/context';
import { isServiceError } from '@/server/services/shared/errors';
import type { NavRole } from '@/app/_components/nav-items';

export type Shell = { me: Me; ctx: ServiceContext };

/**
 * The signed-in person and where they belong, for server components (layouts, pages). Null when
 * nobody is signed in. Cached per request, so the layout and its page share one lookup.
 */
export const loadShell = cache(async function loadShell(): Promise<Shell | null> {
  const user = await getSessionUser();
  if (!user) return null;
  const database = await getDatabase();
  const ctx: ServiceContext = { database, db: database.db, user, now: () => new Date() };
  try {
    return { me: await getMe({ ctx, input: {} }), ctx };
  } catch (e) {
    if (isServiceError(e) && e.kind === 'UNAUTHORIZED') return null;
    throw e;
  }
});

/** Which community roles open which area: coordinators may also use the volunteer pages. */
export const AREA_ROLES: Record<Exclude<NavRole, 'merchant'>, readonly string[]> = {
  coordinator: ['owner', 'admin'],
  volunteer: ['volunteer', 'admin', 'owner'],
  resident: ['resident'],
};

export function communityFor(
  me: Me,
  communityId: string,
  area: Exclude<NavRole, 'merchant'>,
): MeCommunity | null {
  const c = me.communities.find((x) => x.id === communityId);
  if (!c || !c.roles.some((r) => AREA_ROLES[area].includes(r))) return null;
  return c;
}
