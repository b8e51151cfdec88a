import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { needs, users } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';

export const ListHouseholdNeedsInput = z.object({ communityId: CommunityId });
export type ListHouseholdNeedsInput = z.infer<typeof ListHouseholdNeedsInput>;

/** A resident's own needs, newest first, with who is bringing it and what is owed. */
export async function listHouseholdNeeds({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ListHouseholdNeedsInput;
}) {
  const input = ListHouseholdNeedsInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  return actor.ctx.db
    .select({
      id: needs.id,
      householdId: needs.householdId,
      kind: needs.kind,
      urgency: needs.urgency,
      note: needs.note,
      photoKey: needs.photoKey,
      deliveryPhotoKey: needs.deliveryPhotoKey,
      status: needs.status,
      advancedFen: needs.advancedFen,
      settlement: needs.settlement,
      claimedByName: users.name,
      createdAt: needs.createdAt,
    })
    .from(needs)
    .leftJoin(users, eq(users.id, needs.claimedBy))
    .where(and(eq(needs.communityId, input.communityId), inArray(needs.householdId, actor.householdIds)))
    .orderBy(desc(needs.createdAt))
    .limit(50);
}
