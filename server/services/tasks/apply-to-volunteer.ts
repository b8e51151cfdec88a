import { z } from 'zod';
import { volunteerApplications } from '@/db/schema';
import { CommunityId, PlainText } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict, PG_UNIQUE_VIOLATION, pgErrorCode } from '@/server/services/shared/errors';
import { inTransaction } from '@/server/services/shared/tx';

export const ApplyToVolunteerInput = z.object({
  communityId: CommunityId,
  skills: PlainText(0, 200).default(''),
  availability: PlainText(0, 200).default(''),
});
export type ApplyToVolunteerInput = z.input<typeof ApplyToVolunteerInput>;

const pending = () =>
  conflict(
    'VOLUNTEER_APPLICATION_PENDING',
    '您的报名正在等待审核 / Your offer is waiting for a coordinator.',
  );

/** 报名当志愿者: a resident offers to help (skills, when available); a coordinator decides. */
export async function applyToVolunteer({
  ctx,
  input: raw,
}: {
  ctx: ServiceContext;
  input: ApplyToVolunteerInput;
}) {
  const input = ApplyToVolunteerInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, ['resident']);
  if (actor.volunteer) throw conflict('ALREADY_VOLUNTEER', '您已经是志愿者了 / You are a volunteer already.');
  try {
    return await inTransaction(actor.ctx.db, async (tx) => {
      const [row] = await tx
        .insert(volunteerApplications)
        .values({
          communityId: input.communityId,
          userId: actor.userId,
          skills: input.skills,
          availability: input.availability,
          createdAt: ctx.now(),
        })
        .returning();
      await writeAudit(tx, {
        communityId: input.communityId,
        actorUserId: actor.userId,
        action: 'volunteer.apply',
        entityType: 'volunteer_application',
        entityId: row!.id,
        after: { skills: input.skills, availability: input.availability },
      });
      return { id: row!.id, status: row!.status };
    });
  } catch (e) {
    if (pgErrorCode(e) === PG_UNIQUE_VIOLATION) throw pending();
    throw e;
  }
}
