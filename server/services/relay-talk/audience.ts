/**
 * Who hears a relay notice: every household with an order in the relay that still stands
 * (not cancelled, not expired) — its registered residents and whoever placed the order (a
 * volunteer's 代下单). Phone-less households (care category `no_smartphone`) are also told by SMS
 * through their registered contacts (server/messaging/order-sms.ts), after the commit.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { careProfiles, memberships, orders } from '@/db/schema';
import { smsOrderNotice } from '@/server/messaging/order-sms';

const STANDING = ['pending_payment', 'paid', 'fulfilled', 'short'] as const;

type Audience = {
  householdIds: string[];
  /** Each person once, however many of the households they belong to. */
  userIds: string[];
  /** Households whose care profile says they have no smartphone. */
  phonelessHouseholdIds: string[];
};

export async function relayAudience(db: DbOrTx, communityId: string, relayId: string): Promise<Audience> {
  const placed = await db
    .selectDistinct({ householdId: orders.householdId, placedBy: orders.placedBy })
    .from(orders)
    .where(
      and(
        eq(orders.communityId, communityId),
        eq(orders.relayId, relayId),
        inArray(orders.status, [...STANDING]),
      ),
    );
  const householdIds = [...new Set(placed.map((p) => p.householdId))];
  if (householdIds.length === 0) return { householdIds: [], userIds: [], phonelessHouseholdIds: [] };
  const residents = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.role, 'resident'),
        inArray(memberships.householdId, householdIds),
      ),
    );
  const phoneless = await db
    .select({ householdId: careProfiles.householdId })
    .from(careProfiles)
    .where(
      and(
        eq(careProfiles.communityId, communityId),
        inArray(careProfiles.householdId, householdIds),
        sql`'no_smartphone' = any(${careProfiles.categories})`,
      ),
    );
  const userIds = new Set([...residents.map((r) => r.userId), ...placed.map((p) => p.placedBy)]);
  return {
    householdIds,
    userIds: [...userIds],
    phonelessHouseholdIds: phoneless.map((p) => p.householdId),
  };
}

/** Texts each phone-less household's contacts (after commit; a failed send is logged, never thrown). */
export async function smsPhoneless(
  db: DbOrTx,
  n: { communityId: string; householdIds: string[]; messageId: string; params: Record<string, string> },
): Promise<void> {
  for (const householdId of n.householdIds) {
    await smsOrderNotice(db, {
      communityId: n.communityId,
      householdId,
      kind: 'relay.notice',
      about: n.messageId,
      params: n.params,
    });
  }
}
