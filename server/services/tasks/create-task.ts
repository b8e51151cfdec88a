import { z } from 'zod';
import { volunteerTasks } from '@/db/schema';
import { CommunityId, PlainText } from '@/server/services/shared/zod';
import { requireActor } from '@/server/services/roster/actor';
import { COORDINATOR_ROLES } from '@/server/services/shared/access';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { VOLUNTEER_ROLES } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

/** Within this century: anything else is a typo, and out of PostgreSQL's range besides. */
const ShiftTime = z.coerce.date().min(new Date('2000-01-01T00:00:00Z')).max(new Date('2100-01-01T00:00:00Z'));

export const CreateTaskInput = z.object({
  communityId: CommunityId,
  role: z.enum(VOLUNTEER_ROLES),
  title: PlainText(1, 80),
  place: PlainText(0, 80).default(''),
  startsAt: ShiftTime,
  endsAt: ShiftTime,
  slots: z.number().int().min(1).max(200),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;

/** A coordinator posts a shift with slots ("南门 07:00–11:00, 2 people"). */
export async function createTask({ ctx, input: raw }: { ctx: ServiceContext; input: CreateTaskInput }) {
  const input = CreateTaskInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, COORDINATOR_ROLES);
  if (input.endsAt <= input.startsAt)
    throw badRequest('TASK_TIME_ORDER', '结束时间要晚于开始时间 / The end must be after the start.', {
      field: 'endsAt',
    });
  return inTransaction(actor.ctx.db, async (tx) => {
    const [task] = await tx
      .insert(volunteerTasks)
      .values({ ...input, createdBy: actor.userId, createdAt: ctx.now() })
      .returning();
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: actor.userId,
      action: 'task.create',
      entityType: 'volunteer_task',
      entityId: task!.id,
      after: { role: input.role, title: input.title, slots: input.slots },
    });
    return task!;
  });
}
