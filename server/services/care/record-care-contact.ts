import { z } from 'zod';
import { careContacts } from '@/db/schema';
import { isCareHousehold } from './care-household';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { householdNotFound, loadHouseholdPlace } from '@/server/services/roster/access';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { inTransaction } from '@/server/services/shared/tx';

export const RecordCareContactInput = z.object({
  communityId: CommunityId,
  householdId: Id,
  /** 已电话 / 已上门, and they need nothing (a need is recorded with needs.record instead). */
  outcome: z.enum(['called', 'visited']),
});
export type RecordCareContactInput = z.infer<typeof RecordCareContactInput>;

/**
 * A volunteer called or visited a care household of their stairwell and it needs nothing: the
 * household's "last contacted" moves and it leaves the overdue list. A coordinator may record it
 * for any care household; anyone else, or a household not on the registry, reads as not found.
 */
export async function recordCareContact({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: RecordCareContactInput;
}) {
  const input = RecordCareContactInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const c = input.communityId;
  const place = await loadHouseholdPlace(actor.ctx.db, c, input.householdId);
  if (
    !place ||
    (!actor.coordinator && !actor.assigned.includes(place.stairwellId)) ||
    !(await isCareHousehold(actor.ctx.db, c, input.householdId))
  )
    throw householdNotFound();
  return inTransaction(actor.ctx.db, async (tx) => {
    const [row] = await tx
      .insert(careContacts)
      .values({
        communityId: c,
        householdId: input.householdId,
        volunteerUserId: actor.userId,
        outcome: input.outcome,
        createdAt: ctx.now(),
      })
      .returning();
    await writeAudit(tx, {
      communityId: c,
      actorUserId: actor.userId,
      action: 'care.contact',
      entityType: 'household',
      entityId: input.householdId,
      after: { outcome: input.outcome },
    });
    return { householdId: input.householdId, outcome: row!.outcome, at: row!.createdAt };
  });
}
