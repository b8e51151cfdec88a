import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, loadRound, parseInput, rolesIn } from './internal';

export const ListHomeVisitsInput = z.object({ communityId: id, roundId: id });
export type ListHomeVisitsInput = z.infer<typeof ListHomeVisitsInput>;

/** Who the sampling team visits at home: bedridden / chronically ill, elderly living alone, disability. */
const HOME_VISIT_CATEGORIES = ['elderly_alone', 'disability', 'chronic_illness'] as const;

/**
 * The door-to-door list (上门采样) from the care registry, by stairwell in route order, with
 * check-off. The care registry's rule holds here too: coordinators see every household, a
 * volunteer only those of the stairwells assigned to them; the restricted notes are never shown.
 */
export async function listHomeVisits({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ListHomeVisitsInput, raw);
  const { communityId, roundId } = input;
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  await loadRound(ctx.db, communityId, roundId, 'testing');
  const scope = me.coordinator
    ? sql`true`
    : sql`exists (select 1 from stairwell_assignments a where a.community_id = s.community_id
                   and a.stairwell_id = s.id and a.user_id = ${me.ctx.user.id})`;
  const cats = sql.join(
    HOME_VISIT_CATEGORIES.map((c) => sql`${c}`),
    sql`, `,
  );
  const rows = await queryRows<{
    household_id: string;
    building: string;
    stairwell: string;
    room: string;
    categories: string[] | string;
    done_at: string | Date | null;
  }>(
    ctx.db,
    sql`select h.id as household_id, b.number as building, s.number as stairwell, h.room,
               cp.categories::text[] as categories, v.done_at
          from care_profiles cp
          join households h on h.community_id = cp.community_id and h.id = cp.household_id
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
          left join testing_home_visits v on v.community_id = h.community_id and v.household_id = h.id and v.round_id = ${roundId}
         where cp.community_id = ${communityId}
           and cp.categories && array[${cats}]::care_category[]
           and ${scope}
         order by s.route_order, h.floor, h.room`,
  );
  return rows.map((r) => ({
    householdId: r.household_id,
    label: `${r.building}-${r.stairwell}-${r.room}`,
    stairwell: `${r.building}-${r.stairwell}`,
    categories: (typeof r.categories === 'string'
      ? r.categories.replace(/[{}]/g, '').split(',').filter(Boolean)
      : r.categories
    ).filter((c) => (HOME_VISIT_CATEGORIES as readonly string[]).includes(c)),
    doneAt: iso(r.done_at),
  }));
}
