import { z } from 'zod';
import { getDeliveryPickList } from '@/server/services/picklist/get-delivery-pick-list';
import { getRelayPickList } from '@/server/services/picklist/get-relay-pick-list';
import { listBagRelays } from '@/server/services/picklist/list-bag-relays';
import { protectedProcedure, router, volunteerProcedure } from '../trpc';

export const RelayPickListInput = z.object({
  relayId: z.uuid(),
  communityId: z.uuid().optional(),
  merchantId: z.uuid().optional(),
});
export type RelayPickListInput = z.infer<typeof RelayPickListInput>;

export const DeliveryPickListInput = z.object({
  communityId: z.uuid(),
  merchantId: z.uuid(),
  deliveryDate: z.iso.date(),
});
export type DeliveryPickListInput = z.infer<typeof DeliveryPickListInput>;

/**
 * Pick lists. Merchants are not community members, so these are `protectedProcedure`s: the
 * service decides what the caller sees (merchant, coordinator, own-stairwell volunteer).
 */
export const picklistRouter = router({
  relay: protectedProcedure
    .input(RelayPickListInput)
    .query(({ ctx, input }) => getRelayPickList({ ctx, input })),
  delivery: protectedProcedure
    .input(DeliveryPickListInput)
    .query(({ ctx, input }) => getDeliveryPickList({ ctx, input })),
  bagRelays: volunteerProcedure.query(({ ctx, input }) => listBagRelays({ ctx, input })),
});
