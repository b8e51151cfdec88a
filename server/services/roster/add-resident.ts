import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberships } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { conflict } from '@/server/services/shared/errors';
import { CommunityId, Id } from '@/server/services/shared/zod';
import { householdNotFound, loadHouseholdPlace, requireCoordinator } from './access';
import { Name, Phone } from './fields';
import { findOrCreatePerson, type Person } from './people';
import { householdRef } from './rules';
import { guardWrite } from './write';
import { inTransaction } from '@/server/services/shared/tx';

export const AddResidentInput = z.object({
  communityId: CommunityId,
  householdId: Id,
  phone: Phone.optional().or(z.literal('')),
  name: Name.optional(),
});
export type AddResidentInput = z.infer<typeof AddResidentInput>;

const alreadyResident = (where: string) =>
  conflict(
    'RESIDENT_IN_OTHER_HOUSEHOLD',
    `此人已登记在 ${where}，请先从原住户移除 / This person is already registered at ${where}; remove them there first.`,
    {
      field: 'phone',
      details: { household: where },
    },
  );

/**
 * Registers a person as a resident of a household: found by phone (E.164, mainland China by
 * default) or created with the given name; without a phone for someone who has no smartphone.
 * A person lives in one household per compound.
 */
export async function addResident({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AddResidentInput;
}): Promise<{ person: Person; created: boolean; nameKept: boolean }> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const c = input.communityId;
  return guardWrite(
    () =>
      inTransaction(authed.db, async (tx) => {
        const place = await loadHouseholdPlace(tx, c, input.householdId);
        if (!place) throw householdNotFound();
        const { person, created } = await findOrCreatePerson(tx, input, authed.user.id);
        const [current] = await tx
          .select({ householdId: memberships.householdId })
          .from(memberships)
          .where(
            and(
              eq(memberships.communityId, c),
              eq(memberships.userId, person.id),
              eq(memberships.role, 'resident'),
            ),
          );
        if (current?.householdId === input.householdId) {
          return { person, created: false, nameKept: false };
        }
        if (current) {
          const other = await loadHouseholdPlace(tx, c, current.householdId!);
          throw alreadyResident(
            other ? householdRef(other.buildingNumber, other.stairwellNumber, other.room) : '?',
          );
        }
        await tx
          .insert(memberships)
          .values({ communityId: c, userId: person.id, role: 'resident', householdId: input.householdId });
        await writeAudit(tx, {
          communityId: c,
          actorUserId: authed.user.id,
          action: 'household.resident_add',
          entityType: 'household',
          entityId: input.householdId,
          after: { userId: person.id, name: person.name, userCreated: created },
        });
        const typed = (input.name ?? '').trim();
        return { person, created, nameKept: !created && typed !== '' && typed !== person.name };
      }),
    () => alreadyResident('?'),
  );
}
