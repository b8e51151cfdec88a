/** What the health verbs share: input parsing, loading a round in scope, who may see the gate. */
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { gateDuties, healthRounds, memberships, stairwellAssignments } from '@/db/schema';
import { COORDINATOR_ROLES, membershipsIn, requireUser, type Role } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { badRequest, forbidden, notFound } from '@/server/services/shared/errors';

/** Parses a verb's input with its own schema; a bad input is a BAD_REQUEST naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badRequest('INVALID_INPUT', issue?.message ?? '输入有误 / Invalid input.', {
    field: issue?.path.map(String).join('.') || undefined,
  });
}

/** Row ids of the health verbs' `Input`s: the shared `Id`. */
export { Id as id } from '@/server/services/shared/zod';

export type RoundRow = typeof healthRounds.$inferSelect;

export const ROUND_NOT_FOUND = () => notFound('ROUND_NOT_FOUND', '找不到该轮次 / Round not found.');

/** The round in this compound, of this kind; anything else reads as not found. */
export async function loadRound(
  db: DbOrTx,
  communityId: string,
  roundId: string,
  kind: 'self_test' | 'testing',
  lock?: 'update' | 'share',
): Promise<RoundRow> {
  const q = db
    .select()
    .from(healthRounds)
    .where(
      and(
        eq(healthRounds.communityId, communityId),
        eq(healthRounds.id, roundId),
        eq(healthRounds.kind, kind),
      ),
    );
  const [row] = lock ? await q.for(lock) : await q;
  if (!row) throw ROUND_NOT_FOUND();
  return row;
}

/** The caller's roles in the compound; FORBIDDEN when none of `roles`. */
export async function rolesIn(
  ctx: ServiceContext,
  communityId: string,
  roles: readonly Role[],
): Promise<{ ctx: AuthedContext; coordinator: boolean; householdIds: string[]; roles: Role[] }> {
  requireUser(ctx);
  const mine = await membershipsIn(ctx.db, ctx.user.id, communityId);
  if (!mine.some((m) => roles.includes(m.role)))
    throw forbidden('ROLE_REQUIRED', `需要以下角色之一: ${roles.join(', ')}`, { details: { roles } });
  return {
    ctx,
    coordinator: mine.some((m) => COORDINATOR_ROLES.includes(m.role)),
    householdIds: mine.flatMap((m) => (m.householdId ? [m.householdId] : [])),
    roles: mine.map((m) => m.role),
  };
}

/** Stairwells the user leads or is assigned to. */
export async function myStairwellIds(db: DbOrTx, communityId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: stairwellAssignments.stairwellId })
    .from(stairwellAssignments)
    .where(and(eq(stairwellAssignments.communityId, communityId), eq(stairwellAssignments.userId, userId)));
  return new Set(rows.map((r) => r.id));
}

/** True when the user has a gate duty covering `now`. */
export async function onGateDuty(db: DbOrTx, communityId: string, userId: string, now: Date) {
  const [row] = await db
    .select({ id: gateDuties.id })
    .from(gateDuties)
    .where(
      and(
        eq(gateDuties.communityId, communityId),
        eq(gateDuties.userId, userId),
        lte(gateDuties.startsAt, now),
        gt(gateDuties.endsAt, now),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * The gate register is for coordinators and the volunteers on gate duty right now; a volunteer
 * off duty is refused with a code the page explains (GATE_NOT_ON_DUTY), everyone else by role.
 */
export async function requireGateKeeper(ctx: ServiceContext, communityId: string) {
  const me = await rolesIn(ctx, communityId, ['volunteer', 'admin', 'owner']);
  if (me.coordinator) return me;
  if (!(await onGateDuty(ctx.db, communityId, me.ctx.user.id, ctx.now())))
    throw forbidden('GATE_NOT_ON_DUTY', '您现在不在门岗值班 / You are not on gate duty now.');
  return me;
}

/** User ids of the compound's coordinators. */
export async function coordinatorIds(db: DbOrTx, communityId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), sql`${memberships.role} in ('admin', 'owner')`));
  return rows.map((r) => r.userId);
}

/** Dates as ISO strings for the wire and for audit rows. */
export const iso = (d: Date | string | null | undefined) =>
  d === null || d === undefined ? null : new Date(d).toISOString();
