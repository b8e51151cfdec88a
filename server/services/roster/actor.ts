/**
 * Who the caller is in one compound, read once per verb: roles, households, and the stairwells they
 * lead or serve. The care-team verbs (notices, needs, tasks) decide scope from this.
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { stairwellAssignments } from '@/db/schema';
import { COORDINATOR_ROLES, membershipsIn, requireUser, type Role } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { forbidden } from '@/server/services/shared/errors';

export type Actor = {
  ctx: AuthedContext;
  userId: string;
  roles: Role[];
  coordinator: boolean;
  volunteer: boolean;
  householdIds: string[];
  /** Stairwells this person leads (楼组长). */
  leads: string[];
  /** Stairwells this person leads or serves. */
  assigned: string[];
};

async function loadActor(db: DbOrTx, userId: string, communityId: string) {
  const mine = await membershipsIn(db, userId, communityId);
  const seats = await db
    .select({ stairwellId: stairwellAssignments.stairwellId, role: stairwellAssignments.role })
    .from(stairwellAssignments)
    .where(and(eq(stairwellAssignments.communityId, communityId), eq(stairwellAssignments.userId, userId)));
  const roles = mine.map((m) => m.role);
  const coordinator = roles.some((r) => COORDINATOR_ROLES.includes(r));
  return {
    roles,
    coordinator,
    volunteer: coordinator || roles.includes('volunteer'),
    householdIds: mine.flatMap((m) => (m.role === 'resident' && m.householdId ? [m.householdId] : [])),
    leads: seats.filter((s) => s.role === 'leader').map((s) => s.stairwellId),
    assigned: seats.map((s) => s.stairwellId),
  };
}

/** The caller as an actor in the compound; FORBIDDEN unless they hold one of `roles` there. */
export async function requireActor(
  ctx: ServiceContext,
  communityId: string,
  roles: readonly Role[],
): Promise<Actor> {
  requireUser(ctx);
  const a = await loadActor(ctx.db, ctx.user.id, communityId);
  if (!a.roles.some((r) => roles.includes(r))) {
    throw forbidden('ROLE_REQUIRED', `需要以下角色之一: ${roles.join(', ')}`, { details: { roles } });
  }
  return { ctx, userId: ctx.user.id, ...a };
}

export const STAFF_ROLES: readonly Role[] = ['volunteer', 'admin', 'owner'];
export const ANY_ROLE: readonly Role[] = ['resident', 'volunteer', 'admin', 'owner'];
