/**
 * The talk around a relay (issue 13 item 12): the merchant's notices, residents' questions and the
 * merchant's answers; coordinators hide a message. Each procedure checks the role; the verb checks
 * the scope (its own merchant and relay, the caller's compound and household).
 */
import { answerQuestion, AnswerQuestionInput } from '@/server/services/relay-talk/answer-question';
import { askQuestion, AskQuestionInput } from '@/server/services/relay-talk/ask-question';
import { hideMessage, HideMessageInput } from '@/server/services/relay-talk/hide-message';
import { listRelayMessages, ListRelayMessagesInput } from '@/server/services/relay-talk/list-relay-messages';
import { postRelayNotice, PostRelayNoticeInput } from '@/server/services/relay-talk/post-relay-notice';
import { requireMerchantStaff } from '@/server/services/relay/require-merchant-staff';
import { coordinatorProcedure, protectedProcedure, residentProcedure, router } from '@/server/api/trpc';

/** Signed in and on some merchant's team (FORBIDDEN otherwise); the verb scopes to the merchant. */
const merchantProcedure = protectedProcedure.use(async function requireMerchantTeam({ ctx, next }) {
  await requireMerchantStaff({ ctx });
  return next();
});

export const relayTalkRouter = router({
  /** Members of the compound, or the relay's merchant (with merchantId): the verb checks which. */
  list: protectedProcedure
    .input(ListRelayMessagesInput)
    .query(({ ctx, input }) => listRelayMessages({ ctx, input })),
  postNotice: merchantProcedure
    .input(PostRelayNoticeInput)
    .mutation(({ ctx, input }) => postRelayNotice({ ctx, input })),
  answer: merchantProcedure
    .input(AnswerQuestionInput)
    .mutation(({ ctx, input }) => answerQuestion({ ctx, input })),
  ask: residentProcedure.input(AskQuestionInput).mutation(({ ctx, input }) => askQuestion({ ctx, input })),
  hide: coordinatorProcedure
    .input(HideMessageInput)
    .mutation(({ ctx, input }) => hideMessage({ ctx, input })),
});
