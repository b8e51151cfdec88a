/**
 * Reads and scope checks the talk verbs share. Every statement filters by `community_id` (one
 * shard on Citus; tests/integration/routing.test.ts).
 */
import { and, eq, gt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { relayMessages } from '@/db/schema';
import { requireMerchantRelay, type RelayRow } from '@/server/services/relay/load';
import { requireMerchantStaff } from '@/server/services/relay/require-merchant-staff';
import { requireMerchantMember } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { rollingWait, windowStart, type RollingLimit } from '@/server/services/shared/rolling-window';
import type { RelayMessageKind } from './rules';

type RelayMessageRow = typeof relayMessages.$inferSelect;

/**
 * The merchant's own relay: the caller works for a merchant (FORBIDDEN `MERCHANT_ROLE_REQUIRED`
 * otherwise — a volunteer or a resident), is on `merchantId`'s team and the relay is that
 * merchant's (NOT_FOUND otherwise, so another merchant's relay cannot be probed).
 */
export async function requireOwnRelay(
  ctx: ServiceContext,
  ref: { merchantId: string; communityId: string; relayId: string },
): Promise<{ ctx: AuthedContext; relay: RelayRow }> {
  const authed = await requireMerchantCaller(ctx, ref.merchantId);
  const relay = await requireMerchantRelay(authed.db, ref.communityId, ref.relayId, ref.merchantId);
  return { ctx: authed, relay };
}

/** The role half of `requireOwnRelay`: on some merchant's team, and on this one's. */
export async function requireMerchantCaller(ctx: ServiceContext, merchantId: string): Promise<AuthedContext> {
  await requireMerchantStaff({ ctx });
  const authed = ctx as AuthedContext;
  await requireMerchantMember(authed, merchantId);
  return authed;
}

export const messageNotFound = () =>
  notFound('RELAY_MESSAGE_NOT_FOUND', '找不到这条留言 / Message not found.');

export async function findMessage(
  db: DbOrTx,
  communityId: string,
  messageId: string,
  opts: { lock?: boolean } = {},
): Promise<RelayMessageRow | undefined> {
  const q = db
    .select()
    .from(relayMessages)
    .where(and(eq(relayMessages.communityId, communityId), eq(relayMessages.id, messageId)));
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

/** The relay page's link, for notifications. */
export function relayHref(communityId: string, relayId: string): string {
  return `/r/${communityId}/relays/${relayId}`;
}

/**
 * Seconds until one more message of `kind` may be sent on the relay (by `householdId`'s household
 * when given) under `rule`, or null when it may now. Call it under the lock that serialises the
 * sends it counts.
 */
export async function waitToSend(
  db: DbOrTx,
  ref: { communityId: string; relayId: string; kind: RelayMessageKind; householdId?: string },
  rule: RollingLimit,
  now: Date,
): Promise<number | null> {
  const conditions: SQL[] = [
    eq(relayMessages.communityId, ref.communityId),
    eq(relayMessages.relayId, ref.relayId),
    eq(relayMessages.kind, ref.kind),
    gt(relayMessages.createdAt, windowStart(rule, now)),
  ];
  if (ref.householdId !== undefined) conditions.push(eq(relayMessages.householdId, ref.householdId));
  const recent = await db
    .select({ at: relayMessages.createdAt })
    .from(relayMessages)
    .where(and(...conditions));
  return rollingWait(
    recent.map((r) => r.at),
    rule,
    now,
  );
}
