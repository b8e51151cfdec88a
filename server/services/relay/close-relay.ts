import { requireMerchantMember } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { publishChainChange } from './chain-bus';
import { requireMerchantRelay } from './load';
import { closeRelayTx } from './transitions';
import type { MerchantRelayInput } from './open-relay';
import { inTransaction } from '@/server/services/shared/tx';

/**
 * open → closed by hand (提前截单). The relay is not decided at once: for CLOSE_UNDO_SECONDS the
 * merchant may undo it (undo-close-relay.ts); afterwards the cutoff job decides formed | failed
 * (once no unpaid hold is still running) and only then are refunds sent.
 */
export async function closeRelay({ ctx, input }: { ctx: ServiceContext; input: MerchantRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const now = ctx.now();
  const actor = (ctx as AuthedContext).user.id;
  const row = await inTransaction(ctx.db, (tx) => closeRelayTx(tx, relay, now, 'manual', actor));
  await publishChainChange(ctx.database, {
    communityId: row.communityId,
    relayId: row.id,
    version: row.chainVersion,
  });
  return { relayId: row.id, status: 'closed' as const, undoUntil: row.closeUndoUntil };
}
