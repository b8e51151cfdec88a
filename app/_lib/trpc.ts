'use client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@/server/api/root';

/** `const trpc = useTRPC(); useQuery(trpc.roster.search.queryOptions({ … }))` */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
