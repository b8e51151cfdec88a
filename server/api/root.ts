import { createCallerFactory, router } from './trpc';
import { admissionRouter } from './routers/admission';
import { authRouter } from './routers/auth';
import { distributionRouter } from './routers/distribution';
import { healthRouter } from './routers/health';
import { meRouter } from './routers/me';
import { merchantRouter } from './routers/merchant';
import { picklistRouter } from './routers/picklist';
import { rosterRouter } from './routers/roster';

/** One router per domain; each domain's helper registers its router here. */
export const appRouter = router({
  admission: admissionRouter,
  auth: authRouter,
  distribution: distributionRouter,
  health: healthRouter,
  me: meRouter,
  merchant: merchantRouter,
  picklist: picklistRouter,
  roster: rosterRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
