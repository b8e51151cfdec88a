import { desc, eq } from 'drizzle-orm';
import { communities, relays } from '@/db/schema';
import { requireMerchantMember } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { progressOf } from './get-relay';
import { tallyRelay } from './load';
import type { MerchantInput } from './get-relay-catalog';

/** A merchant's relays in every compound, newest first, with their progress. */
export async function listMerchantRelays({ ctx, input }: { ctx: ServiceContext; input: MerchantInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const rows = await ctx.db
    .select({ relay: relays, communityName: communities.name })
    .from(relays)
    .innerJoin(communities, eq(communities.id, relays.communityId))
    .where(eq(relays.merchantId, input.merchantId))
    .orderBy(desc(relays.createdAt))
    .limit(200);
  const out = [];
  for (const { relay: r, communityName } of rows) {
    const tally = await tallyRelay(ctx.db, r.communityId, r.id);
    out.push({
      id: r.id,
      communityId: r.communityId,
      communityName,
      title: r.title,
      status: r.status,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      deliveryDate: r.deliveryDate,
      outcomeReason: r.outcomeReason,
      progress: progressOf(r, tally),
      tally,
    });
  }
  return out;
}
