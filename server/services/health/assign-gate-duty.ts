import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { gateDuties, memberships } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, notFound } from '@/server/services/shared/errors';
import { id, iso, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const AssignGateDutyInput = z.object({
  communityId: id,
  userId: id,
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
});
export type AssignGateDutyInput = z.input<typeof AssignGateDutyInput>;

/** A coordinator puts a volunteer on gate duty for a time window (at most a day). */
export async function assignGateDuty({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(AssignGateDutyInput, raw);
  const { communityId } = input;
  const me = await rolesIn(ctx, communityId, ['admin', 'owner']);
  const span = input.endsAt.getTime() - input.startsAt.getTime();
  if (!(span > 0) || span > 24 * 3600_000)
    throw badRequest(
      'DUTY_WINDOW_INVALID',
      '值班时间须在 24 小时以内且结束晚于开始 / A shift ends after it starts, within 24 hours.',
      {
        field: 'endsAt',
      },
    );
  const [member] = await ctx.db
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.communityId, communityId),
        eq(memberships.userId, input.userId),
        eq(memberships.role, 'volunteer'),
      ),
    );
  if (!member) throw notFound('VOLUNTEER_NOT_FOUND', '找不到该志愿者 / Volunteer not found.');
  return inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(gateDuties)
      .values({
        communityId,
        userId: input.userId,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        assignedBy: me.ctx.user.id,
      })
      .returning();
    await writeAudit(tx, {
      communityId,
      actorUserId: me.ctx.user.id,
      action: 'gate_duty.assign',
      entityType: 'gate_duty',
      entityId: row!.id,
      after: { userId: input.userId, startsAt: iso(input.startsAt), endsAt: iso(input.endsAt) },
    });
    return { dutyId: row!.id, startsAt: row!.startsAt, endsAt: row!.endsAt };
  });
}
