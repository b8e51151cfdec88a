import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { households } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { householdNotFound, requireCoordinator } from './access';
import { floorOrThrow, roomExists, roomOrThrow } from './create-household';
import { Floor, Headcount, Room } from './fields';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const UpdateHouseholdInput = z.object({
  communityId: CommunityId,
  householdId: Id,
  room: Room.optional(),
  floor: Floor.optional(),
  headcount: Headcount.optional(),
});
export type UpdateHouseholdInput = z.infer<typeof UpdateHouseholdInput>;

/** Corrects a household's room, floor or headcount. */
export async function updateHousehold({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateHouseholdInput;
}): Promise<{ id: string; room: string; floor: number; headcount: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  const room = input.room === undefined ? undefined : roomOrThrow(input.room);
  const headcount = input.headcount;
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const where = and(eq(households.communityId, c), eq(households.id, input.householdId));
        const cols = {
          id: households.id,
          room: households.room,
          floor: households.floor,
          headcount: households.headcount,
        };
        const [before] = await tx.select(cols).from(households).where(where).for('update');
        if (!before) throw householdNotFound();
        const nextRoom = room ?? before.room;
        const floor = input.floor === undefined ? before.floor : floorOrThrow(input.floor, nextRoom);
        const [after] = await tx
          .update(households)
          .set({ room: nextRoom, floor, headcount: headcount ?? before.headcount })
          .where(where)
          .returning(cols);
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'household.update',
          entityType: 'household',
          entityId: input.householdId,
          before,
          after,
        });
        return after!;
      }),
    () => roomExists(room ?? ''),
  );
}
