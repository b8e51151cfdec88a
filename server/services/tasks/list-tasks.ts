import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import { taskClaims, volunteerTasks } from '@/db/schema';
import { CommunityId } from '@/server/services/notices/fields';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { shanghaiDayRange, shanghaiToday, VOLUNTEER_ROLES, type VolunteerRole } from './rules';

export const ListTasksInput = z.object({
  communityId: CommunityId,
  /** `YYYY-MM-DD` in Shanghai; today when omitted. */
  date: z.iso.date().optional(),
});
export type ListTasksInput = z.infer<typeof ListTasksInput>;

/**
 * The day's shifts: unfilled ones first (then by start time), each with the caller's own claim,
 * and the counts per role (slots, filled) for the coordinator's board.
 */
export async function listTasks({ ctx, input: raw }: { ctx: ServiceContext; input: ListTasksInput }) {
  const input = ListTasksInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const date = input.date ?? shanghaiToday(ctx.now());
  const { start, end } = shanghaiDayRange(date);
  const c = input.communityId;
  const tasks = await actor.ctx.db
    .select()
    .from(volunteerTasks)
    .where(
      and(
        eq(volunteerTasks.communityId, c),
        gte(volunteerTasks.startsAt, start),
        lt(volunteerTasks.startsAt, end),
      ),
    )
    .orderBy(asc(volunteerTasks.startsAt));
  const mine = await actor.ctx.db
    .select()
    .from(taskClaims)
    .where(
      and(
        eq(taskClaims.communityId, c),
        eq(taskClaims.userId, actor.userId),
        eq(taskClaims.status, 'claimed'),
      ),
    );
  const byTask = new Map(mine.map((m) => [m.taskId, m]));
  const views = tasks.map((t) => {
    const claim = byTask.get(t.id);
    return {
      id: t.id,
      role: t.role,
      title: t.title,
      place: t.place,
      startsAt: t.startsAt,
      endsAt: t.endsAt,
      slots: t.slots,
      filled: t.filled,
      open: t.slots - t.filled,
      myClaim: claim
        ? { id: claim.id, checkedInAt: claim.checkedInAt, checkedOutAt: claim.checkedOutAt }
        : null,
    };
  });
  views.sort(
    (a, b) => Number(b.open > 0) - Number(a.open > 0) || a.startsAt.getTime() - b.startsAt.getTime(),
  );
  const counts = VOLUNTEER_ROLES.map((role: VolunteerRole) => {
    const of = tasks.filter((t) => t.role === role);
    return {
      role,
      tasks: of.length,
      slots: of.reduce((s, t) => s + t.slots, 0),
      filled: of.reduce((s, t) => s + t.filled, 0),
    };
  }).filter((r) => r.tasks > 0);
  return { date, tasks: views, counts };
}
