import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { communities } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';

export const ListCheckinsInput = z.object({ communityId: CommunityId });
export type ListCheckinsInput = z.infer<typeof ListCheckinsInput>;

/** When the compound sets nothing: a care household not called or visited for 3 days is flagged. */
const DEFAULT_CARE_CONTACT_DAYS = 3;

type CheckinRow = {
  householdId: string;
  place: string;
  stairwellId: string;
  residents: string;
  categories: string[];
  lastContactAt: Date | null;
  lastOutcome: 'called' | 'visited' | 'need_recorded' | null;
  lastBy: string | null;
  openNeeds: number;
  /** Not contacted for `days` days (or never). */
  overdue: boolean;
};

/**
 * 询问需求 check-in list: the care households of the caller's stairwells (every care household for
 * a coordinator) with when someone last called or visited, overdue ones first — a household not
 * contacted for the compound's `careContactDays` (default 3) is flagged. One query.
 */
export async function listCheckins({ ctx, input: raw }: { ctx: ServiceContext; input: ListCheckinsInput }) {
  const input = ListCheckinsInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  const [community] = await actor.ctx.db
    .select({ settings: communities.settings })
    .from(communities)
    .where(eq(communities.id, c));
  const configured = Number(community?.settings?.careContactDays);
  const days = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_CARE_CONTACT_DAYS;
  if (!actor.coordinator && actor.assigned.length === 0) return { days, overdue: 0, households: [] };
  const cutoff = new Date(ctx.now().getTime() - days * 24 * 3_600_000);
  const scope = actor.coordinator ? sql`` : sql`and h.stairwell_id in ${actor.assigned}`;
  const rows = await queryRows<Record<string, unknown>>(
    actor.ctx.db,
    sql`select h.id, h.stairwell_id, b.number as building, s.number as stairwell, h.room,
               cp.categories::text[] as categories, lc.created_at as last_at, lc.outcome as last_outcome,
               u.name as last_by,
               (select count(*) from needs n where n.community_id = h.community_id and n.household_id = h.id
                  and n.status in ('open', 'claimed', 'bought', 'delivered'))::int as open_needs,
               coalesce((select string_agg(ru.name, '、' order by ru.name)
                         from memberships m join users ru on ru.id = m.user_id
                         where m.community_id = h.community_id and m.household_id = h.id
                           and m.role = 'resident'), '') as residents,
               (lc.created_at is null or lc.created_at < ${cutoff.toISOString()}::timestamptz) as overdue
        from care_profiles cp
        join households h on h.community_id = cp.community_id and h.id = cp.household_id
        join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
        join buildings b on b.community_id = s.community_id and b.id = s.building_id
        left join lateral (
          select cc.created_at, cc.outcome, cc.volunteer_user_id from care_contacts cc
          where cc.community_id = h.community_id and cc.household_id = h.id
          order by cc.created_at desc limit 1) lc on true
        left join users u on u.id = lc.volunteer_user_id
        where cp.community_id = ${c}::uuid ${scope}
        order by overdue desc, lc.created_at asc nulls first, b.route_order, s.route_order, h.floor, h.room
        limit 1000`,
  );
  const households: CheckinRow[] = rows.map((r) => ({
    householdId: String(r.id),
    stairwellId: String(r.stairwell_id),
    place: `${String(r.building)}-${String(r.stairwell)}-${String(r.room)}`,
    residents: typeof r.residents === 'string' ? r.residents : '',
    categories: Array.isArray(r.categories) ? (r.categories as string[]) : [],
    lastContactAt: r.last_at ? new Date(r.last_at as string) : null,
    lastOutcome: (r.last_outcome as CheckinRow['lastOutcome']) ?? null,
    lastBy: typeof r.last_by === 'string' ? r.last_by : null,
    openNeeds: Number(r.open_needs),
    overdue: Boolean(r.overdue),
  }));
  return { days, overdue: households.filter((h) => h.overdue).length, households };
}
