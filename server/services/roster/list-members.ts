import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, memberships, stairwellAssignments, stairwells, users } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { StaffRoleEnum } from './fields';
import type { AssignmentRole, StaffRole } from './rules';

export const ListMembersInput = z.object({ communityId: CommunityId, role: StaffRoleEnum.optional() });
export type ListMembersInput = z.infer<typeof ListMembersInput>;

type StaffMember = {
  userId: string;
  name: string;
  phone: string | null;
  roles: StaffRole[];
  stairwells: { stairwellId: string; label: string; role: AssignmentRole }[];
};

/** The compound's team (owner, admins, volunteers) with phones and stairwells: coordinators only. */
export async function listMembers({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ListMembersInput;
}): Promise<StaffMember[]> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const rows = await authed.db
    .select({ userId: users.id, name: users.name, phone: users.phone, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.communityId, c),
        input.role ? eq(memberships.role, input.role) : ne(memberships.role, 'resident'),
      ),
    )
    .orderBy(asc(users.name));
  const byUser = new Map<string, StaffMember>();
  for (const r of rows) {
    const m = byUser.get(r.userId) ?? {
      userId: r.userId,
      name: r.name,
      phone: r.phone,
      roles: [],
      stairwells: [],
    };
    m.roles.push(r.role as StaffRole);
    byUser.set(r.userId, m);
  }
  const ids = [...byUser.keys()];
  for (let i = 0; i < ids.length; i += 1000) {
    const assigned = await authed.db
      .select({
        userId: stairwellAssignments.userId,
        stairwellId: stairwells.id,
        stairwellNumber: stairwells.number,
        buildingNumber: buildings.number,
        role: stairwellAssignments.role,
      })
      .from(stairwellAssignments)
      .innerJoin(
        stairwells,
        and(
          eq(stairwells.communityId, stairwellAssignments.communityId),
          eq(stairwells.id, stairwellAssignments.stairwellId),
        ),
      )
      .innerJoin(
        buildings,
        and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
      )
      .where(
        and(
          eq(stairwellAssignments.communityId, c),
          inArray(stairwellAssignments.userId, ids.slice(i, i + 1000)),
        ),
      )
      .orderBy(asc(stairwells.routeOrder));
    for (const a of assigned) {
      byUser.get(a.userId)?.stairwells.push({
        stairwellId: a.stairwellId,
        label: `${a.buildingNumber}-${a.stairwellNumber}`,
        role: a.role,
      });
    }
  }
  const rank: Record<StaffRole, number> = { owner: 0, admin: 1, volunteer: 2 };
  return [...byUser.values()].sort(
    (a, b) =>
      Math.min(...a.roles.map((r) => rank[r])) - Math.min(...b.roles.map((r) => rank[r])) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
}
