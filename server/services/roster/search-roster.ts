import { and, eq, ilike, inArray, like, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, households, memberships, stairwells, users } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, SafeString } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { classifySearchQuery, likeEscape, type SearchQuery } from './rules';
import { decorateHouseholds, householdOrder, householdsWithPlace, type HouseholdView } from './views';

export const SearchRosterInput = z.object({
  communityId: CommunityId,
  query: SafeString.max(100),
  limit: z.number().int().min(1).max(200).optional(),
});
export type SearchRosterInput = z.infer<typeof SearchRosterInput>;

type SearchRosterResult = { query: SearchQuery; households: HouseholdView[]; truncated: boolean };

/**
 * The coordinator's one search box: "3-2-201" (or 3号楼2单元201室, "3-2", "3", "201"), a phone
 * number or part of one, or part of a resident's name. Coordinators only: it answers with phones.
 */
export async function searchRoster({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SearchRosterInput;
}): Promise<SearchRosterResult> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const limit = input.limit ?? 50;
  const query = classifySearchQuery(input.query);
  if (query.kind === 'empty') return { query, households: [], truncated: false };

  const c = input.communityId;
  let where: SQL | undefined;
  if (query.kind === 'place') {
    where = and(
      eq(households.communityId, c),
      query.building ? eq(buildings.number, query.building) : undefined,
      query.stairwell ? eq(stairwells.number, query.stairwell) : undefined,
      query.room ? eq(households.room, query.room) : undefined,
    );
  } else {
    const match =
      query.kind === 'phone'
        ? query.e164
          ? or(eq(users.phone, query.e164), like(users.phone, `%${likeEscape(query.digits)}%`))
          : like(users.phone, `%${likeEscape(query.digits)}%`)
        : ilike(users.name, `%${likeEscape(query.text)}%`);
    const matching = authed.db
      .select({ householdId: memberships.householdId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.communityId, c), eq(memberships.role, 'resident'), match));
    where = and(eq(households.communityId, c), inArray(households.id, matching));
  }
  const rows = await householdsWithPlace(authed.db)
    .where(where)
    .orderBy(...householdOrder)
    .limit(limit + 1);
  const truncated = rows.length > limit;
  const views = await decorateHouseholds(authed.db, c, rows.slice(0, limit), 'coordinator');
  return { query, households: views, truncated };
}
