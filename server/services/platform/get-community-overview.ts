import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { communities } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { localYear } from '@/server/services/shared/time';

export const GetCommunityOverviewInput = z.object({ communityId: CommunityId });
export type GetCommunityOverviewInput = z.infer<typeof GetCommunityOverviewInput>;

export type CommunityOverview = {
  community: { id: string; name: string; district: string };
  roster: {
    buildings: number;
    stairwells: number;
    households: number;
    /** Households nobody is registered in yet. */
    emptyHouseholds: number;
    residents: number;
    /** Residents aged 60 or more this year (Shanghai time). */
    elderly: number;
    volunteers: number;
    coordinators: number;
  };
  /** 一楼一组: stairwells still missing their leader (楼组长) or their volunteer. */
  gaps: { withoutLeader: number; withoutVolunteer: number };
  care: { households: number; doorDelivery: number; elderlyAlone: number; noSmartphone: number };
  merchants: { awaitingReview: number; admitted: number; expired: number; suspended: number };
  relays: { open: number; inProgress: number };
};

/** The coordinator's dashboard figures for one compound. Coordinators (owner, admins) only. */
export async function getCommunityOverview({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: GetCommunityOverviewInput;
}): Promise<CommunityOverview> {
  const { communityId } = input;
  await requireRole(ctx, communityId, COORDINATOR_ROLES);
  const [community] = await ctx.db
    .select({
      id: communities.id,
      name: communities.name,
      district: communities.district,
      timezone: communities.timezone,
    })
    .from(communities)
    .where(eq(communities.id, communityId));
  if (!community) throw notFound('COMMUNITY_NOT_FOUND', '找不到该小区 / Compound not found.');
  const year = Number(localYear(ctx.now(), community.timezone));

  // One round trip of scalar subqueries, each filtered by the compound (one shard on Citus).
  const [r] = await queryRows<Record<string, number>>(
    ctx.db,
    sql`select
      (select count(*)::int from buildings where community_id = ${communityId}) as buildings,
      (select count(*)::int from stairwells where community_id = ${communityId}) as stairwells,
      (select count(*)::int from households where community_id = ${communityId}) as households,
      (select count(*)::int from households h where h.community_id = ${communityId} and not exists
        (select 1 from memberships m where m.community_id = h.community_id and m.household_id = h.id)) as empty_households,
      (select count(*)::int from memberships where community_id = ${communityId} and role = 'resident') as residents,
      (select count(*)::int from memberships m join users u on u.id = m.user_id
        where m.community_id = ${communityId} and m.role = 'resident' and u.birth_year <= ${year - 60}) as elderly,
      (select count(*)::int from memberships where community_id = ${communityId} and role = 'volunteer') as volunteers,
      (select count(distinct user_id)::int from memberships where community_id = ${communityId} and role in ('owner', 'admin')) as coordinators,
      (select count(*)::int from stairwells s where s.community_id = ${communityId} and not exists
        (select 1 from stairwell_assignments a where a.community_id = s.community_id and a.stairwell_id = s.id and a.role = 'leader')) as without_leader,
      (select count(*)::int from stairwells s where s.community_id = ${communityId} and not exists
        (select 1 from stairwell_assignments a where a.community_id = s.community_id and a.stairwell_id = s.id and a.role = 'volunteer')) as without_volunteer,
      (select count(*)::int from care_profiles where community_id = ${communityId}) as care_households,
      (select count(*)::int from care_profiles where community_id = ${communityId} and door_delivery) as door_delivery,
      (select count(*)::int from care_profiles where community_id = ${communityId} and 'elderly_alone' = any(categories)) as elderly_alone,
      (select count(*)::int from care_profiles where community_id = ${communityId} and 'no_smartphone' = any(categories)) as no_smartphone,
      (select count(*)::int from admissions where community_id = ${communityId} and status in ('submitted', 'changes_requested')) as awaiting_review,
      (select count(*)::int from admissions where community_id = ${communityId} and status = 'approved') as admitted,
      (select count(*)::int from admissions where community_id = ${communityId} and status = 'expired') as expired,
      (select count(*)::int from admissions where community_id = ${communityId} and status = 'suspended') as suspended,
      (select count(*)::int from relays where community_id = ${communityId} and status = 'open') as relays_open,
      (select count(*)::int from relays where community_id = ${communityId}
        and status in ('closed', 'formed', 'dispatched', 'arrived', 'distributing')) as relays_in_progress`,
  );
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    community,
    roster: {
      buildings: n('buildings'),
      stairwells: n('stairwells'),
      households: n('households'),
      emptyHouseholds: n('empty_households'),
      residents: n('residents'),
      elderly: n('elderly'),
      volunteers: n('volunteers'),
      coordinators: n('coordinators'),
    },
    gaps: { withoutLeader: n('without_leader'), withoutVolunteer: n('without_volunteer') },
    care: {
      households: n('care_households'),
      doorDelivery: n('door_delivery'),
      elderlyAlone: n('elderly_alone'),
      noSmartphone: n('no_smartphone'),
    },
    merchants: {
      awaitingReview: n('awaiting_review'),
      admitted: n('admitted'),
      expired: n('expired'),
      suspended: n('suspended'),
    },
    relays: { open: n('relays_open'), inProgress: n('relays_in_progress') },
  };
}
