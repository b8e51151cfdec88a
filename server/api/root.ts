import { createCallerFactory, router } from './trpc';
import { healthRouter } from './routers/health';

/** One router per domain; each domain's helper registers its router here. */
export const appRouter = router({
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
