import { z } from 'zod';
import { requireMerchantMember } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { publishChainChange } from './chain-bus';
import { MerchantRelayRef } from './fields';
import { requireMerchantRelay } from './load';
import { openRelayTx } from './transitions';
import { inTransaction } from '@/server/services/shared/tx';

export const MerchantRelayInput = MerchantRelayRef;
export type MerchantRelayInput = z.infer<typeof MerchantRelayInput>;

/** draft → open by hand ("open now"), before its scheduled time. */
export async function openRelay({ ctx, input }: { ctx: ServiceContext; input: MerchantRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const now = ctx.now();
  const row = await inTransaction(ctx.db, (tx) =>
    openRelayTx(tx, relay, now, (ctx as AuthedContext).user.id),
  );
  await publishChainChange(ctx.database, {
    communityId: row.communityId,
    relayId: row.id,
    version: row.chainVersion,
  });
  return { relayId: row.id, status: row.status, opensAt: row.opensAt };
}
