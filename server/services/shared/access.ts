import { and, eq, inArray, sql } from 'drizzle-orm';
import { preparedRows, type DbOrTx } from '@/db/client';
import { memberships, merchantMembers, stairwellAssignments } from '@/db/schema';
import type { AuthedContext, ServiceContext } from './context';
import { forbidden, notFound, unauthorized } from './errors';

export type Role = 'resident' | 'volunteer' | 'admin' | 'owner';
export const COORDINATOR_ROLES: readonly Role[] = ['admin', 'owner'];

export function requireUser(ctx: ServiceContext): asserts ctx is AuthedContext {
  if (!ctx.user) throw unauthorized('AUTH_REQUIRED', '请先登录 / Please sign in first.');
}

export type CommunityMembership = { role: Role; householdId: string | null };

/**
 * A user's memberships in one compound. Read on nearly every request (the role check), so it is a
 * named prepared statement (db/client.ts `preparedRows`): parsed and planned once per connection.
 */
export async function membershipsIn(
  db: DbOrTx,
  userId: string,
  communityId: string,
): Promise<CommunityMembership[]> {
  return preparedRows<CommunityMembership>(
    db,
    'memberships_in',
    sql`select ${memberships.role} as "role", ${memberships.householdId} as "householdId"
          from ${memberships}
         where ${memberships.communityId} = ${communityId} and ${memberships.userId} = ${userId}`,
  );
}

/**
 * The caller's memberships in a compound, read once per request: the tRPC context carries a cache
 * (`ctx.memberships`), so `communityProcedure`'s role check and the service's scope check share one
 * read. Without the cache (jobs, scripts) it is a plain read.
 */
export function myMemberships(
  ctx: AuthedContext,
  communityId: string,
): Promise<readonly CommunityMembership[]> {
  const cache = ctx.memberships;
  if (!cache) return membershipsIn(ctx.db, ctx.user.id, communityId);
  const key = `${ctx.user.id}:${communityId}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = membershipsIn(ctx.db, ctx.user.id, communityId);
    cache.set(key, hit);
    // A failed read is not remembered.
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

/** The caller's roles in a community; FORBIDDEN unless one of `roles` is among them. */
export async function requireRole(
  ctx: ServiceContext,
  communityId: string,
  roles: readonly Role[],
): Promise<readonly CommunityMembership[]> {
  requireUser(ctx);
  const mine = await myMemberships(ctx, communityId);
  if (!mine.some((m) => roles.includes(m.role))) {
    throw forbidden('ROLE_REQUIRED', `需要以下角色之一: ${roles.join(', ')}`, { details: { roles } });
  }
  return mine;
}

export async function isCoordinator(ctx: AuthedContext, communityId: string): Promise<boolean> {
  const mine = await myMemberships(ctx, communityId);
  return mine.some((m) => COORDINATOR_ROLES.includes(m.role));
}

/** Stairwells a volunteer is assigned to (leader or volunteer) in a community. */
export async function assignedStairwellIds(
  db: DbOrTx,
  userId: string,
  communityId: string,
): Promise<string[]> {
  const rows = await db
    .select({ id: stairwellAssignments.stairwellId })
    .from(stairwellAssignments)
    .where(and(eq(stairwellAssignments.communityId, communityId), eq(stairwellAssignments.userId, userId)));
  return rows.map((r) => r.id);
}

/** Merchant ids the caller is a member of (optionally only as owner). */
export async function merchantIdsOf(db: DbOrTx, userId: string, roles?: ('owner' | 'staff')[]) {
  const rows = await db
    .select({ merchantId: merchantMembers.merchantId })
    .from(merchantMembers)
    .where(
      roles
        ? and(eq(merchantMembers.userId, userId), inArray(merchantMembers.role, roles))
        : eq(merchantMembers.userId, userId),
    );
  return rows.map((r) => r.merchantId);
}

/** A merchant's own data: members only; anyone else gets NOT_FOUND. */
export async function requireMerchantMember(
  ctx: ServiceContext,
  merchantId: string,
  roles?: ('owner' | 'staff')[],
) {
  requireUser(ctx);
  const ids = await merchantIdsOf(ctx.db, ctx.user.id, roles);
  if (!ids.includes(merchantId)) throw notFound('MERCHANT_NOT_FOUND', '找不到该商家 / Merchant not found.');
}
