/** Finding people by phone: users are global (one per phone), their roles are per community. */
import { eq } from 'drizzle-orm';
import { phoneLast4 } from '@/server/services/shared/privacy';
import type { DbOrTx } from '@/db/client';
import { users } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import { badRequest } from '@/server/services/shared/errors';
import { normalizePhone } from './rules';

export type Person = { id: string; name: string; phone: string | null };

function phoneOrThrow(raw: string, field = 'phone'): string {
  const p = normalizePhone(raw);
  if (!p.ok) throw badRequest('INVALID_PHONE', '手机号格式不对 / That phone number is not valid.', { field });
  return p.e164;
}

/** Spaces collapsed; the length is the verb's `Input` (`Name`). */
function cleanName(name: string | undefined | null): string | null {
  const n = (name ?? '').replace(/\s+/g, ' ').trim();
  return n === '' ? null : n;
}

/**
 * The user holding `phone`, created (with `name`) when there is none. An existing user keeps
 * their own name: a coordinator typing a nickname must not rename someone across compounds.
 * A person without a phone (no smartphone, 代下单) is always a new user.
 */
export async function findOrCreatePerson(
  tx: DbOrTx,
  input: { phone?: string | null; name?: string | null },
  actorUserId: string,
): Promise<{ person: Person; created: boolean }> {
  const name = cleanName(input.name);
  const phone = input.phone && input.phone.trim() !== '' ? phoneOrThrow(input.phone) : null;
  if (phone) {
    const [found] = await tx
      .select({ id: users.id, name: users.name, phone: users.phone })
      .from(users)
      .where(eq(users.phone, phone));
    if (found) return { person: found, created: false };
  }
  if (!name) {
    throw badRequest('NAME_REQUIRED', '新登记的人需要填写姓名 / Enter a name for someone new to Linli.', {
      field: 'name',
    });
  }
  const [created] = await tx
    .insert(users)
    .values({ name, phone })
    .onConflictDoNothing({ target: users.phone })
    .returning({ id: users.id, name: users.name, phone: users.phone });
  if (!created) {
    // Someone signed up with this phone a moment ago: theirs is the account.
    const [found] = await tx
      .select({ id: users.id, name: users.name, phone: users.phone })
      .from(users)
      .where(eq(users.phone, phone!));
    return { person: found!, created: false };
  }
  await writeGlobalAudit(tx, {
    actorUserId,
    action: 'user.create',
    entityType: 'user',
    entityId: created.id,
    after: { name: created.name, phone: created.phone ? `…${phoneLast4(created.phone)}` : null },
  });
  return { person: created, created: true };
}
