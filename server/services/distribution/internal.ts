/**
 * Helpers shared by the distribution verbs: scope checks, labels, household notifications.
 * Not verbs themselves; nothing here writes without a caller's transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  buildings,
  careProfiles,
  communities,
  DEFAULT_COMMUNITY_SETTINGS,
  households,
  memberships,
  orders,
  relays,
  stairwells,
  users,
} from '@/db/schema';
import {
  assignedStairwellIds,
  isCoordinator,
  requireMerchantMember,
  requireUser,
} from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { DEFAULT_TIME_ZONE } from '@/server/services/shared/time';

export const BAG_NOT_FOUND = () => notFound('BAG_NOT_FOUND', '找不到这个袋子 / Bag not found.');
export const BATCH_NOT_FOUND = () => notFound('BATCH_NOT_FOUND', '找不到这一批货 / Batch not found.');
export const DELIVERY_NOT_FOUND = () =>
  notFound('DELIVERY_NOT_FOUND', '找不到这趟送货 / Delivery not found.');
export const RELAY_NOT_FOUND = () => notFound('RELAY_NOT_FOUND', '找不到该接龙 / Relay not found.');

/** Which stairwells the caller works in: every one for coordinators. */
export type StairwellScope = { all: boolean; stairwellIds: Set<string> };

export async function stairwellScope(ctx: AuthedContext, communityId: string): Promise<StairwellScope> {
  if (await isCoordinator(ctx, communityId)) return { all: true, stairwellIds: new Set() };
  return { all: false, stairwellIds: new Set(await assignedStairwellIds(ctx.db, ctx.user.id, communityId)) };
}

export function inScope(scope: StairwellScope, stairwellId: string): boolean {
  return scope.all || scope.stairwellIds.has(stairwellId);
}

/**
 * The relay of a merchant the caller works for; anyone else reads it as not found. The read names
 * its compound (the delivery page carries it), so a sharded cluster routes it to one shard
 * (docs/SCALING.md §9).
 */
export async function requireMerchantRelay(
  ctx: ServiceContext,
  merchantId: string,
  relayId: string,
  communityId: string,
) {
  requireUser(ctx);
  await requireMerchantMember(ctx, merchantId);
  const [relay] = await ctx.db
    .select()
    .from(relays)
    .where(
      and(eq(relays.communityId, communityId), eq(relays.id, relayId), eq(relays.merchantId, merchantId)),
    );
  if (!relay) throw RELAY_NOT_FOUND();
  return relay;
}

export async function communitySettings(db: DbOrTx, communityId: string) {
  const [c] = await db
    .select({ settings: communities.settings, timezone: communities.timezone, name: communities.name })
    .from(communities)
    .where(eq(communities.id, communityId));
  return {
    settings: { ...DEFAULT_COMMUNITY_SETTINGS, ...(c?.settings ?? {}) },
    timezone: c?.timezone ?? DEFAULT_TIME_ZONE,
    name: c?.name ?? '',
  };
}

export type HouseholdLabel = {
  householdId: string;
  stairwellId: string;
  building: string;
  stairwell: string;
  floor: number;
  room: string;
  buildingRoute: number;
  stairwellRoute: number;
};

/** Building / stairwell / room of households, keyed by household id. */
export async function householdLabels(db: DbOrTx, communityId: string, householdIds: string[]) {
  const out = new Map<string, HouseholdLabel>();
  if (householdIds.length === 0) return out;
  const rows = await db
    .select({
      householdId: households.id,
      stairwellId: households.stairwellId,
      building: buildings.number,
      stairwell: stairwells.number,
      floor: households.floor,
      room: households.room,
      buildingRoute: buildings.routeOrder,
      stairwellRoute: stairwells.routeOrder,
    })
    .from(households)
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, households.communityId), eq(stairwells.id, households.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .where(and(eq(households.communityId, communityId), inArray(households.id, householdIds)));
  for (const r of rows) out.set(r.householdId, r);
  return out;
}

/** The first-registered resident's name per household (for masked display). */
export async function residentNames(db: DbOrTx, communityId: string, householdIds: string[]) {
  const out = new Map<string, string>();
  if (householdIds.length === 0) return out;
  const rows = await db
    .select({ householdId: memberships.householdId, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.role, 'resident'),
        inArray(memberships.householdId, householdIds),
      ),
    )
    .orderBy(asc(memberships.createdAt));
  for (const r of rows) if (r.householdId && !out.has(r.householdId)) out.set(r.householdId, r.name);
  return out;
}

/** Care households (特殊人群) among `householdIds`: categories and whether to carry to the door. */
export async function careFlags(db: DbOrTx, communityId: string, householdIds: string[]) {
  const out = new Map<string, { categories: string[]; doorDelivery: boolean }>();
  if (householdIds.length === 0) return out;
  const rows = await db
    .select({
      householdId: careProfiles.householdId,
      categories: careProfiles.categories,
      doorDelivery: careProfiles.doorDelivery,
    })
    .from(careProfiles)
    .where(and(eq(careProfiles.communityId, communityId), inArray(careProfiles.householdId, householdIds)));
  for (const r of rows) out.set(r.householdId, { categories: r.categories, doorDelivery: r.doorDelivery });
  return out;
}

export async function userNames(db: DbOrTx, ids: (string | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  const out = new Map<string, string>();
  if (wanted.length === 0) return out;
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, wanted));
  for (const r of rows) out.set(r.id, r.name);
  return out;
}

/**
 * Tells the people of the given households (their residents and whoever ordered for them) about a
 * change, in the caller's transaction: they hear of it exactly when it commits.
 */
export async function notifyHouseholds(
  tx: DbOrTx,
  communityId: string,
  items: { householdId: string; orderId?: string; kind: string; payload: Record<string, unknown> }[],
): Promise<void> {
  if (items.length === 0) return;
  const householdIds = [...new Set(items.map((i) => i.householdId))];
  const residents = await tx
    .select({ householdId: memberships.householdId, userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.role, 'resident'),
        inArray(memberships.householdId, householdIds),
      ),
    );
  const orderIds = items.flatMap((i) => (i.orderId ? [i.orderId] : []));
  const placers = orderIds.length
    ? await tx
        .select({ orderId: orders.id, placedBy: orders.placedBy })
        .from(orders)
        .where(and(eq(orders.communityId, communityId), inArray(orders.id, orderIds)))
    : [];
  const placedBy = new Map(placers.map((p) => [p.orderId, p.placedBy]));
  const byHousehold = new Map<string, string[]>();
  for (const r of residents) {
    if (!r.householdId) continue;
    byHousehold.set(r.householdId, [...(byHousehold.get(r.householdId) ?? []), r.userId]);
  }
  const out: Parameters<typeof notifyUsers>[1] = [];
  for (const item of items) {
    const recipients = new Set(byHousehold.get(item.householdId) ?? []);
    // 代下单: the volunteer who ordered for a care household hears what the household hears.
    const placer = item.orderId ? placedBy.get(item.orderId) : undefined;
    if (placer) recipients.add(placer);
    for (const userId of recipients)
      out.push({ communityId, userId, kind: item.kind, payload: item.payload });
  }
  await notifyUsers(tx, out);
}

/** Orders that count as bought: paid and still owed, or already settled as fulfilled / short. */
export const LIVE_ORDER_STATUSES = ['paid', 'fulfilled', 'short'] as const;

export function sqlList(values: readonly string[]) {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}
