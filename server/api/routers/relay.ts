/**
 * Group-buy relays (接龙). Merchants are not compound members, so their procedures are
 * `merchantProcedure`s (any merchant's team; the service then scopes to their own merchant and
 * relay). Everything a resident or volunteer does runs inside one compound (`communityProcedure`);
 * the services check the household / stairwell scope on top.
 */
import { tracked } from '@trpc/server';
import { CancelOrderInput, cancelOrder } from '@/server/services/relay/cancel-order';
import { CancelRelayInput, cancelRelay } from '@/server/services/relay/cancel-relay';
import { ChangeOrderInput, changeOrder } from '@/server/services/relay/change-order';
import {
  ListUnpaidOrdersInput,
  listUnpaidOrders,
  RemindPaymentInput,
  remindPayment,
} from '@/server/services/relay/remind-payment';
import { closeRelay } from '@/server/services/relay/close-relay';
import { undoCloseRelay } from '@/server/services/relay/undo-close-relay';
import { CreateRelayInput, createRelay } from '@/server/services/relay/create-relay';
import { GetMerchantRelayInput, getMerchantRelay } from '@/server/services/relay/get-merchant-relay';
import { GetRelayInput, getRelay } from '@/server/services/relay/get-relay';
import { MerchantInput, getRelayCatalog } from '@/server/services/relay/get-relay-catalog';
import { LastOrderInput, lastOrderHere } from '@/server/services/relay/last-order';
import { listMerchantRelays } from '@/server/services/relay/list-merchant-relays';
import { ListMyOrdersInput, listMyOrders } from '@/server/services/relay/list-my-orders';
import {
  ListOrderForHouseholdsInput,
  listOrderForHouseholds,
} from '@/server/services/relay/list-order-for-households';
import { ListOnBehalfOrdersInput, listOnBehalfOrders } from '@/server/services/relay/list-on-behalf-orders';
import { ListRelaysInput, listRelays } from '@/server/services/relay/list-relays';
import { MerchantRelayInput, openRelay } from '@/server/services/relay/open-relay';
import { requireMerchantStaff } from '@/server/services/relay/require-merchant-staff';
import {
  watchMerchantRelayChain,
  WatchMerchantRelayChainInput,
  watchRelayChain,
  WatchRelayChainInput,
} from '@/server/services/relay/watch-relay-chain';
import { communityProcedure, protectedProcedure, router, volunteerProcedure } from '@/server/api/trpc';
import { joinProcedure } from './relay-join';

/** Signed in and on some merchant's team (FORBIDDEN otherwise); the verb scopes to the merchant. */
const merchantProcedure = protectedProcedure.use(async function requireMerchantTeam({ ctx, next }) {
  await requireMerchantStaff({ ctx });
  return next();
});

export const relayRouter = router({
  // ── the merchant's side ──
  catalog: merchantProcedure.input(MerchantInput).query(({ ctx, input }) => getRelayCatalog({ ctx, input })),
  listMine: merchantProcedure
    .input(MerchantInput)
    .query(({ ctx, input }) => listMerchantRelays({ ctx, input })),
  getForMerchant: merchantProcedure
    .input(GetMerchantRelayInput)
    .query(({ ctx, input }) => getMerchantRelay({ ctx, input })),
  create: merchantProcedure.input(CreateRelayInput).mutation(({ ctx, input }) => createRelay({ ctx, input })),
  open: merchantProcedure.input(MerchantRelayInput).mutation(({ ctx, input }) => openRelay({ ctx, input })),
  close: merchantProcedure.input(MerchantRelayInput).mutation(({ ctx, input }) => closeRelay({ ctx, input })),
  /** 撤销截单 within the undo window after 提前截单. */
  undoClose: merchantProcedure
    .input(MerchantRelayInput)
    .mutation(({ ctx, input }) => undoCloseRelay({ ctx, input })),
  cancel: merchantProcedure.input(CancelRelayInput).mutation(({ ctx, input }) => cancelRelay({ ctx, input })),
  /** The live chain on the merchant's management page. */
  onChangeForMerchant: merchantProcedure.input(WatchMerchantRelayChainInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    for await (const update of watchMerchantRelayChain({ ctx, input, signal })) {
      yield tracked(String(update.version), update);
    }
  }),

  // ── the compound's side ──
  list: communityProcedure()
    .input(ListRelaysInput)
    .query(({ ctx, input }) => listRelays({ ctx, input })),
  get: communityProcedure()
    .input(GetRelayInput)
    .query(({ ctx, input }) => getRelay({ ctx, input })),
  join: joinProcedure,
  changeOrder: communityProcedure()
    .input(ChangeOrderInput)
    .mutation(({ ctx, input }) => changeOrder({ ctx, input })),
  /** 催付: the relay's merchant (with merchantId) or the stairwell's volunteers; the verb checks both. */
  unpaidOrders: protectedProcedure
    .input(ListUnpaidOrdersInput)
    .query(({ ctx, input }) => listUnpaidOrders({ ctx, input })),
  remindPayment: protectedProcedure
    .input(RemindPaymentInput)
    .mutation(({ ctx, input }) => remindPayment({ ctx, input })),
  cancelOrder: communityProcedure()
    .input(CancelOrderInput)
    .mutation(({ ctx, input }) => cancelOrder({ ctx, input })),
  /** 跟上次一样: the caller's household's last order from this relay's merchant, matched to its items. */
  lastOrder: communityProcedure()
    .input(LastOrderInput)
    .query(({ ctx, input }) => lastOrderHere({ ctx, input })),
  myOrders: communityProcedure()
    .input(ListMyOrdersInput)
    .query(({ ctx, input }) => listMyOrders({ ctx, input })),
  /** 我代下的单: orders the caller placed for other households, unpaid first, each with its pay page. */
  onBehalfOrders: volunteerProcedure
    .input(ListOnBehalfOrdersInput)
    .query(({ ctx, input }) => listOnBehalfOrders({ ctx, input })),
  orderForHouseholds: volunteerProcedure
    .input(ListOrderForHouseholdsInput)
    .query(({ ctx, input }) => listOrderForHouseholds({ ctx, input })),

  /** The live chain over SSE; the phone resumes from the last version it saw. */
  onChange: communityProcedure()
    .input(WatchRelayChainInput)
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const update of watchRelayChain({ ctx, input, signal })) {
        yield tracked(String(update.version), update);
      }
    }),
});
