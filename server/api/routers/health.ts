import { getHealth } from '@/server/services/platform/get-health';
import { publicProcedure, router } from '@/server/api/trpc';

export const healthRouter = router({
  get: publicProcedure.query(({ ctx }) => getHealth({ ctx, input: {} })),
});
