import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { gateDuties } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { id, iso, parseInput, rolesIn } from './internal';
import { inTransaction } from '@/server/services/shared/tx';

export const EndGateDutyInput = z.object({ communityId: id, dutyId: id });
export type EndGateDutyInput = z.infer<typeof EndGateDutyInput>;

/** Ends a gate shift now (or cancels one not yet started): the volunteer loses the register at once. */
export async function endGateDuty({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(EndGateDutyInput, raw);
  const me = await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const where = and(
      eq(gateDuties.communityId, input.communityId),
      eq(gateDuties.id, input.dutyId),
      gt(gateDuties.endsAt, now),
    );
    const [before] = await tx.select().from(gateDuties).where(where).for('update');
    if (!before) throw notFound('DUTY_NOT_FOUND', '找不到该班次 / No such current shift.');
    if (before.startsAt >= now) await tx.delete(gateDuties).where(where);
    else await tx.update(gateDuties).set({ endsAt: now }).where(where);
    await writeAudit(tx, {
      communityId: input.communityId,
      actorUserId: me.ctx.user.id,
      action: 'gate_duty.end',
      entityType: 'gate_duty',
      entityId: input.dutyId,
      before: { endsAt: iso(before.endsAt) },
      after: { endsAt: iso(now) },
    });
    return { dutyId: input.dutyId };
  });
}
