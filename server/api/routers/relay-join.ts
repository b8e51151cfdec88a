import { communityProcedure } from '@/server/api/trpc';
import { JoinRelayInput, joinRelay } from '@/server/services/relay/join-relay';

/**
 * `relay.join`, defined once: the relay router mounts it, and so does the join's lean HTTP path
 * (server/api/join-route.ts), so both run the same middleware, role check, zod input and service.
 */
export const joinProcedure = communityProcedure()
  .input(JoinRelayInput)
  .mutation(({ ctx, input }) => joinRelay({ ctx, input }));
