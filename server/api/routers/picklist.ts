import {
  GetDeliveryPickListInput,
  getDeliveryPickList,
} from '@/server/services/picklist/get-delivery-pick-list';
import { GetRelayPickListInput, getRelayPickList } from '@/server/services/picklist/get-relay-pick-list';
import { ListBagRelaysInput, listBagRelays } from '@/server/services/picklist/list-bag-relays';
import { protectedProcedure, router, volunteerProcedure } from '@/server/api/trpc';

/**
 * Pick lists. Merchants are not community members, so these are `protectedProcedure`s: the
 * service decides what the caller sees (merchant, coordinator, own-stairwell volunteer).
 */
export const picklistRouter = router({
  relay: protectedProcedure
    .input(GetRelayPickListInput)
    .query(({ ctx, input }) => getRelayPickList({ ctx, input })),
  delivery: protectedProcedure
    .input(GetDeliveryPickListInput)
    .query(({ ctx, input }) => getDeliveryPickList({ ctx, input })),
  bagRelays: volunteerProcedure
    .input(ListBagRelaysInput)
    .query(({ ctx, input }) => listBagRelays({ ctx, input })),
});
