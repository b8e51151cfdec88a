import { z } from 'zod';
import { careContacts, needs } from '@/db/schema';
import { CarePhotoKey, requireCarePhoto } from '@/server/services/care/care-photo';
import { CommunityId, Id, PlainText } from '@/server/services/shared/zod';
import { ANY_ROLE, requireActor } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { NEED_KINDS, NEED_URGENCIES } from './rules';
import { isCareHousehold } from '@/server/services/care/care-household';
import { householdForNeed } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const RecordNeedInput = z.object({
  communityId: CommunityId,
  householdId: Id,
  kind: z.enum(NEED_KINDS),
  urgency: z.enum(NEED_URGENCIES).default('normal'),
  note: PlainText(0, 500).default(''),
  /** A photo of what is needed (the medicine box), uploaded first with needs.uploadPhoto. */
  photoKey: CarePhotoKey.nullish(),
});
export type RecordNeedInput = z.input<typeof RecordNeedInput>;

/**
 * 需求登记: a resident for their household, or a volunteer for a care household of their
 * stairwell (which also counts as contacting it), or a coordinator for anyone.
 */
export async function recordNeed({ ctx, input: raw }: { ctx: ServiceContext; input: RecordNeedInput }) {
  const input = RecordNeedInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ANY_ROLE);
  const place = await householdForNeed(actor, input.communityId, input.householdId);
  await requireCarePhoto(input.communityId, input.photoKey);
  const forCare =
    !actor.householdIds.includes(input.householdId) &&
    (await isCareHousehold(actor.ctx.db, input.communityId, input.householdId));
  return inTransaction(actor.ctx.db, async (tx) => {
    const [need] = await tx
      .insert(needs)
      .values({
        communityId: input.communityId,
        householdId: input.householdId,
        stairwellId: place.stairwellId,
        kind: input.kind,
        urgency: input.urgency,
        note: input.note,
        photoKey: input.photoKey ?? null,
        recordedBy: actor.userId,
        createdAt: ctx.now(),
        updatedAt: ctx.now(),
      })
      .returning();
    if (forCare)
      await tx.insert(careContacts).values({
        communityId: input.communityId,
        householdId: input.householdId,
        volunteerUserId: actor.userId,
        outcome: 'need_recorded',
        createdAt: ctx.now(),
      });
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: actor.userId,
      action: 'need.record',
      entityType: 'need',
      entityId: need!.id,
      after: { householdId: input.householdId, kind: input.kind, urgency: input.urgency },
    });
    return { id: need!.id, status: need!.status };
  });
}
