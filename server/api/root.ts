import { createCallerFactory, router } from './trpc';
import { authRouter } from './routers/auth';
import { healthRouter } from './routers/health';
import { meRouter } from './routers/me';
import { picklistRouter } from './routers/picklist';

/** One router per domain; each domain's helper registers its router here. */
export const appRouter = router({
  auth: authRouter,
  health: healthRouter,
  me: meRouter,
  picklist: picklistRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
