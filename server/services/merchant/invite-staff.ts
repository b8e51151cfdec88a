import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { merchantMembers, users } from '@/db/schema';
import { SafeString } from '@/server/services/shared/zod';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, conflict, preconditionFailed } from '@/server/services/shared/errors';
import { MerchantRef } from './fields';
import { normalizePhone } from './rules';
import { requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const InviteStaffInput = MerchantRef.extend({ phone: SafeString.max(40), name: SafeString.max(100) });
export type InviteStaffInput = z.infer<typeof InviteStaffInput>;

const MAX_TEAM = 50;

/**
 * The owner adds a staff member by phone. Someone who never signed in gets an account with that
 * phone (they sign in with a one-time code like everyone else); an existing account keeps its name.
 * Staff manage the catalog and relays; only the owner manages the team and the application.
 */
export async function inviteStaff({ ctx, input }: { ctx: ServiceContext; input: InviteStaffInput }) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const owner = ctx.user!;
  const phone = normalizePhone(input.phone);
  if (!phone)
    throw badRequest('PHONE_INVALID', '手机号码无效 / This phone number is not valid.', { field: 'phone' });
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length > 40) throw badRequest('TOO_LONG', '姓名太长 / The name is too long.', { field: 'name' });
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const team = await tx
      .select({ userId: merchantMembers.userId })
      .from(merchantMembers)
      .where(eq(merchantMembers.merchantId, input.merchantId));
    if (team.length >= MAX_TEAM)
      throw preconditionFailed('TEAM_FULL', `团队最多 ${MAX_TEAM} 人 / At most ${MAX_TEAM} people.`);
    // Insert-or-find in one statement, so two owners' devices inviting the same new phone do not collide.
    await tx
      .insert(users)
      .values({ phone, name: name || `店员${phone.slice(-4)}`, createdAt: now })
      .onConflictDoNothing({ target: users.phone });
    const [user] = await tx
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(eq(users.phone, phone));
    const [added] = await tx
      .insert(merchantMembers)
      .values({ merchantId: input.merchantId, userId: user!.id, role: 'staff', createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!added) {
      throw conflict('ALREADY_MEMBER', '此人已在团队中 / This person is already on the team.', {
        field: 'phone',
      });
    }
    await writeGlobalAudit(tx, {
      actorUserId: owner.id,
      action: 'merchant.staff_added',
      entityType: 'merchant',
      entityId: input.merchantId,
      after: { userId: user!.id },
    });
    return { userId: user!.id, name: user!.name, phone, role: 'staff' as const };
  });
}
