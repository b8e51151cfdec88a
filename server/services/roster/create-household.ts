import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { households } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { requireCoordinator, stairwellAccess } from './access';
import { Floor, Headcount, Room } from './fields';
import { inferFloor, LIMITS, normalizeRoom } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const CreateHouseholdInput = z.object({
  communityId: CommunityId,
  stairwellId: Id,
  room: Room,
  floor: Floor.optional(),
  headcount: Headcount,
});
export type CreateHouseholdInput = z.infer<typeof CreateHouseholdInput>;

export const roomExists = (room: string) =>
  conflict('ROOM_EXISTS', `${room}室已经登记过了 / Room ${room} is already in this stairwell.`, {
    field: 'room',
  });

export function roomOrThrow(raw: string): string {
  const room = normalizeRoom(raw);
  if (!room || room.length > LIMITS.roomLength)
    throw badRequest('INVALID_ROOM', '请填写房号，例如 201 / Enter the room, e.g. 201.', { field: 'room' });
  return room;
}

export function floorOrThrow(floor: number | undefined, room: string): number {
  const f = floor ?? inferFloor(room);
  if (f === null || !Number.isInteger(f) || f === 0 || f < LIMITS.minFloor || f > LIMITS.maxFloor) {
    throw badRequest('INVALID_FLOOR', '请填写楼层 / Enter the floor.', { field: 'floor' });
  }
  return f;
}

/** Adds a household (户) to a stairwell; the floor defaults to what the room number says (201 → 2). */
export async function createHousehold({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateHouseholdInput;
}): Promise<{ id: string; room: string; floor: number; headcount: number }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  await stairwellAccess(authed, input.communityId, input.stairwellId);
  const room = roomOrThrow(input.room);
  const floor = floorOrThrow(input.floor, room);
  const headcount = input.headcount;
  const c = input.communityId;
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const [dup] = await tx
          .select({ id: households.id })
          .from(households)
          .where(
            and(
              eq(households.communityId, c),
              eq(households.stairwellId, input.stairwellId),
              eq(households.room, room),
            ),
          );
        if (dup) throw roomExists(room);
        const [row] = await tx
          .insert(households)
          .values({ communityId: c, stairwellId: input.stairwellId, room, floor, headcount })
          .returning({
            id: households.id,
            room: households.room,
            floor: households.floor,
            headcount: households.headcount,
          });
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'household.create',
          entityType: 'household',
          entityId: row!.id,
          after: { ...row, stairwellId: input.stairwellId },
        });
        return row!;
      }),
    () => roomExists(room),
  );
}
