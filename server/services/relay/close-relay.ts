import { requireMerchantMember } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { publishChainChange } from './chain-bus';
import { requireMerchantRelay } from './load';
import { closeRelayTx, settleRelay, type SettleOutcome } from './transitions';
import type { MerchantRelayInput } from './open-relay';

/**
 * open → closed by hand (截单 early). When no unpaid hold is still running the relay is decided at
 * once (formed | failed); otherwise the cutoff job decides when the last hold has ended.
 */
export async function closeRelay({ ctx, input }: { ctx: ServiceContext; input: MerchantRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const now = ctx.now();
  const actor = (ctx as AuthedContext).user.id;
  const row = await ctx.db.transaction((tx) => closeRelayTx(tx, relay, now, 'manual', actor));
  await publishChainChange(ctx.database, {
    communityId: row.communityId,
    relayId: row.id,
    version: row.chainVersion,
  });
  const outcome: SettleOutcome = await settleRelay(ctx.database, relay, now, actor);
  return {
    relayId: row.id,
    status: outcome === 'formed' || outcome === 'failed' ? outcome : 'closed',
    outcome,
  };
}
