import { merchantIdsOf, requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { forbidden } from '@/server/services/shared/errors';

/**
 * The role check of the merchant's relay procedures: the caller works for some merchant
 * (FORBIDDEN otherwise). Which merchant — and so which relay — is the verb's scope check, where
 * another merchant's relay reads as not found.
 */
export async function requireMerchantStaff({ ctx }: { ctx: ServiceContext }): Promise<void> {
  requireUser(ctx);
  const ids = await merchantIdsOf(ctx.db, ctx.user.id);
  if (ids.length === 0)
    throw forbidden(
      'MERCHANT_ROLE_REQUIRED',
      '只有商家成员可以管理接龙 / Only a merchant’s team can manage relays.',
    );
}
