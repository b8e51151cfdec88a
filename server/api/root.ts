import '@/server/services/payment/order-payments'; // wires refunds into the relay lifecycle
import { createCallerFactory, router } from './trpc';
import { admissionRouter } from './routers/admission';
import { authRouter } from './routers/auth';
import { distributionRouter } from './routers/distribution';
import { healthRouter } from './routers/health';
import { healthRoundsRouter } from './routers/health-rounds';
import { meRouter } from './routers/me';
import { merchantRouter } from './routers/merchant';
import { needsRouter } from './routers/needs';
import { noticesRouter } from './routers/notices';
import { paymentRouter } from './routers/payment';
import { picklistRouter } from './routers/picklist';
import { relayRouter } from './routers/relay';
import { relayTalkRouter } from './routers/relay-talk';
import { rosterRouter } from './routers/roster';
import { volunteersRouter } from './routers/volunteers';

/** One router per domain; each domain's helper registers its router here. */
export const appRouter = router({
  admission: admissionRouter,
  auth: authRouter,
  distribution: distributionRouter,
  health: healthRouter,
  healthRounds: healthRoundsRouter,
  me: meRouter,
  merchant: merchantRouter,
  needs: needsRouter,
  notices: noticesRouter,
  payment: paymentRouter,
  picklist: picklistRouter,
  relay: relayRouter,
  relayTalk: relayTalkRouter,
  roster: rosterRouter,
  volunteers: volunteersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
