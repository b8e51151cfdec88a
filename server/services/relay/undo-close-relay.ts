import { requireMerchantMember } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { publishChainChange } from './chain-bus';
import { requireMerchantRelay } from './load';
import { reopenRelayTx } from './transitions';
import type { MerchantRelayInput } from './open-relay';
import { inTransaction } from '@/server/services/shared/tx';

/**
 * 撤销截单: a relay closed early by hand goes back to open while its undo window runs, exactly as
 * it was (orders, 接龙号, stock untouched), with its audit row. After the window, or once the relay
 * is decided or cancelled: PRECONDITION_FAILED `RELAY_CLOSE_UNDO_EXPIRED`.
 */
export async function undoCloseRelay({ ctx, input }: { ctx: ServiceContext; input: MerchantRelayInput }) {
  await requireMerchantMember(ctx, input.merchantId);
  const relay = await requireMerchantRelay(ctx.db, input.communityId, input.relayId, input.merchantId);
  const actor = (ctx as AuthedContext).user.id;
  const row = await inTransaction(ctx.db, (tx) => reopenRelayTx(tx, relay, ctx.now(), actor));
  await publishChainChange(ctx.database, {
    communityId: row.communityId,
    relayId: row.id,
    version: row.chainVersion,
  });
  return { relayId: row.id, status: row.status };
}
