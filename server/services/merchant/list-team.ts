import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { merchantMembers, users } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { MerchantRef } from './fields';
import { requireMerchantRole } from './scope';
import { maskPhoneTail } from '@/server/services/shared/privacy';

export const ListTeamInput = MerchantRef;
export type ListTeamInput = z.infer<typeof ListTeamInput>;

/** The merchant's people. The owner sees full phones (to reach their own staff); staff see the last four digits. */
export async function listTeam({ ctx, input }: { ctx: ServiceContext; input: ListTeamInput }) {
  const myRole = await requireMerchantRole(ctx, input.merchantId);
  const rows = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      phone: users.phone,
      role: merchantMembers.role,
      since: merchantMembers.createdAt,
    })
    .from(merchantMembers)
    .innerJoin(users, eq(users.id, merchantMembers.userId))
    .where(eq(merchantMembers.merchantId, input.merchantId))
    .orderBy(asc(merchantMembers.role), asc(merchantMembers.createdAt));
  return {
    myRole,
    members: rows.map((r) => ({
      ...r,
      phone: myRole === 'owner' ? r.phone : maskPhoneTail(r.phone),
      isMe: r.userId === ctx.user!.id,
    })),
  };
}
