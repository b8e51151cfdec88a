import { and, asc, desc, eq, gte, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { relays } from '@/db/schema';
import { myMemberships, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { CommunityId } from '@/server/services/shared/zod';
import { merchantName, tallyRelay } from './load';
import { progressOf, type RelayProgress } from './get-relay';
import type { RelayStatus } from './rules';

export const ListRelaysInput = z.object({ communityId: CommunityId });
export type ListRelaysInput = z.infer<typeof ListRelaysInput>;

export type RelaySummary = {
  id: string;
  title: string;
  merchantName: string;
  status: RelayStatus;
  opensAt: Date;
  closesAt: Date;
  deliveryDate: string;
  progress: RelayProgress;
};

/**
 * What a resident sees on the relays list: open relays (closing soonest first), upcoming ones,
 * and those that ended in the last three days (so a failed or formed relay is not a mystery).
 */
export async function listRelays({ ctx, input }: { ctx: ServiceContext; input: ListRelaysInput }) {
  requireUser(ctx);
  const mine = await myMemberships(ctx, input.communityId);
  if (mine.length === 0) throw notFound('COMMUNITY_NOT_FOUND', '找不到该小区 / Compound not found.');
  const now = ctx.now();
  const recent = new Date(now.getTime() - 3 * 86_400_000);
  const rows = await ctx.db
    .select()
    .from(relays)
    .where(
      and(
        eq(relays.communityId, input.communityId),
        or(
          inArray(relays.status, ['draft', 'open', 'closed']),
          and(
            inArray(relays.status, [
              'formed',
              'failed',
              'cancelled',
              'dispatched',
              'arrived',
              'distributing',
            ]),
            gte(relays.updatedAt, recent),
          ),
        ),
      ),
    )
    .orderBy(asc(relays.closesAt), desc(relays.createdAt))
    .limit(100);
  const names = new Map<string, string>();
  const out: RelaySummary[] = [];
  for (const r of rows) {
    if (!names.has(r.merchantId)) names.set(r.merchantId, await merchantName(ctx.db, r.merchantId));
    const tally = await tallyRelay(ctx.db, r.communityId, r.id);
    out.push({
      id: r.id,
      title: r.title,
      merchantName: names.get(r.merchantId)!,
      status: r.status,
      opensAt: r.opensAt,
      closesAt: r.closesAt,
      deliveryDate: r.deliveryDate,
      progress: progressOf(r, tally),
    });
  }
  return {
    open: out.filter((r) => r.status === 'open' && r.closesAt > now),
    upcoming: out.filter((r) => r.status === 'draft'),
    ended: out.filter((r) => !(r.status === 'open' && r.closesAt > now) && r.status !== 'draft'),
    serverNow: now,
  };
}
