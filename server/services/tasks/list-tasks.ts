import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { taskClaims, volunteerRoles, volunteerTasks } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { localDate } from '@/server/services/shared/time';
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
  const held = (
    await actor.ctx.db
      .select({ role: volunteerRoles.role })
      .from(volunteerRoles)
      .where(and(eq(volunteerRoles.communityId, c), eq(volunteerRoles.userId, actor.userId)))
  ).map((r) => r.role);
  const canClaim = (role: VolunteerRole) =>
    actor.coordinator || held.includes(role) || (role === 'stairwell' && actor.assigned.length > 0);
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
      /** The caller holds the role this shift is for (a gate slot needs the gate role). */
      canClaim: canClaim(t.role),
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
  return { date, tasks: views, counts, week: await weekCounts(actor.ctx.db, c, date), myRoles: held };
}

/** Slots and filled per day for the week from `date` (the coordinator's "counts per day"). */
async function weekCounts(db: DbOrTx, c: string, date: string) {
  const { start } = shanghaiDayRange(date);
  const end = new Date(start.getTime() + 7 * 24 * 3_600_000);
  const rows = await db
    .select({ startsAt: volunteerTasks.startsAt, slots: volunteerTasks.slots, filled: volunteerTasks.filled })
    .from(volunteerTasks)
    .where(
      and(
        eq(volunteerTasks.communityId, c),
        gte(volunteerTasks.startsAt, start),
        lt(volunteerTasks.startsAt, end),
      ),
    );
  const days = new Map<string, { day: string; tasks: number; slots: number; filled: number }>();
  for (const r of rows) {
    const day = localDate(r.startsAt);
    const d = days.get(day) ?? { day, tasks: 0, slots: 0, filled: 0 };
    d.tasks += 1;
    d.slots += r.slots;
    d.filled += r.filled;
    days.set(day, d);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
