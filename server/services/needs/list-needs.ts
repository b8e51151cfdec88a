import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, careProfiles, households, needs, stairwells, users } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { requireActor, STAFF_ROLES } from '@/server/services/roster/actor';
import type { ServiceContext } from '@/server/services/shared/context';
import { needOrder, type NeedKind, type NeedStatus } from './rules';

export const ListNeedsInput = z.object({ communityId: CommunityId });
export type ListNeedsInput = z.infer<typeof ListNeedsInput>;

export type NeedView = {
  id: string;
  householdId: string;
  photoKey: string | null;
  deliveryPhotoKey: string | null;
  kind: NeedKind;
  urgency: 'normal' | 'urgent';
  note: string;
  status: NeedStatus;
  place: string;
  stairwellId: string;
  createdAt: Date;
  ageMinutes: number;
  advancedFen: number;
  claimedByName: string | null;
  /** Claimed by the caller. */
  mine: boolean;
  /** In a stairwell the caller serves. */
  myStairwell: boolean;
  /** On the care registry; only told to coordinators and the stairwell's own volunteers. */
  care?: boolean;
};

/**
 * The needs staff work from. A volunteer sees every open need — those of their own stairwells
 * first — and the ones they claimed; a coordinator sees every need not yet settled, urgent ones
 * on top, oldest first, with its age.
 */
export async function listNeeds({ ctx, input: raw }: { ctx: ServiceContext; input: ListNeedsInput }) {
  const input = ListNeedsInput.parse(raw);
  const actor = await requireActor(ctx, input.communityId, STAFF_ROLES);
  const now = ctx.now();
  const rows = await actor.ctx.db
    .select({
      id: needs.id,
      householdId: needs.householdId,
      photoKey: needs.photoKey,
      deliveryPhotoKey: needs.deliveryPhotoKey,
      kind: needs.kind,
      urgency: needs.urgency,
      note: needs.note,
      status: needs.status,
      stairwellId: needs.stairwellId,
      createdAt: needs.createdAt,
      advancedFen: needs.advancedFen,
      claimedBy: needs.claimedBy,
      claimedByName: users.name,
      buildingNumber: buildings.number,
      stairwellNumber: stairwells.number,
      room: households.room,
      care: careProfiles.id,
    })
    .from(needs)
    .innerJoin(
      households,
      and(eq(households.communityId, needs.communityId), eq(households.id, needs.householdId)),
    )
    .innerJoin(
      stairwells,
      and(eq(stairwells.communityId, needs.communityId), eq(stairwells.id, needs.stairwellId)),
    )
    .innerJoin(
      buildings,
      and(eq(buildings.communityId, stairwells.communityId), eq(buildings.id, stairwells.buildingId)),
    )
    .leftJoin(
      careProfiles,
      and(eq(careProfiles.communityId, needs.communityId), eq(careProfiles.householdId, needs.householdId)),
    )
    .leftJoin(users, eq(users.id, needs.claimedBy))
    .where(
      and(
        eq(needs.communityId, input.communityId),
        inArray(needs.status, ['open', 'claimed', 'bought', 'delivered']),
      ),
    )
    .orderBy(asc(needs.createdAt))
    .limit(500);
  const views: NeedView[] = rows
    .filter((r) => actor.coordinator || r.status === 'open' || r.claimedBy === actor.userId)
    .map((r) => {
      const myStairwell = actor.assigned.includes(r.stairwellId);
      return {
        id: r.id,
        householdId: r.householdId,
        photoKey: r.photoKey,
        deliveryPhotoKey: r.deliveryPhotoKey,
        kind: r.kind,
        urgency: r.urgency,
        note: r.note,
        status: r.status,
        place: `${r.buildingNumber}-${r.stairwellNumber}-${r.room}`,
        stairwellId: r.stairwellId,
        createdAt: r.createdAt,
        ageMinutes: Math.max(0, Math.floor((now.getTime() - r.createdAt.getTime()) / 60_000)),
        advancedFen: r.advancedFen,
        claimedByName: r.claimedByName,
        mine: r.claimedBy === actor.userId,
        myStairwell,
        ...(actor.coordinator || myStairwell ? { care: r.care !== null } : {}),
      };
    });
  return views.sort((a, b) =>
    needOrder(
      { ...a, mine: actor.coordinator ? false : a.mine || a.myStairwell },
      { ...b, mine: actor.coordinator ? false : b.mine || b.myStairwell },
    ),
  );
}
