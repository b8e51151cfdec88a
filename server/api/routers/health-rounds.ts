import { tracked } from '@trpc/server';
import { AssignGateDutyInput, assignGateDuty } from '@/server/services/health/assign-gate-duty';
import { CallNextBuildingInput, callNextBuilding } from '@/server/services/health/call-next-building';
import { CheckHomeVisitInput, checkHomeVisit } from '@/server/services/health/check-home-visit';
import { CloseRoundInput, closeRound } from '@/server/services/health/close-round';
import { EndGateDutyInput, endGateDuty } from '@/server/services/health/end-gate-duty';
import { GetGateRegisterInput, getGateRegister } from '@/server/services/health/get-gate-register';
import { GetMyGateCodeInput, getMyGateCode } from '@/server/services/health/get-my-gate-code';
import { GetSelfTestBoardInput, getSelfTestBoard } from '@/server/services/health/get-self-test-board';
import {
  GetStairwellHistoryInput,
  getStairwellHistory,
} from '@/server/services/health/get-stairwell-history';
import { GetTestingSessionInput, getTestingSession } from '@/server/services/health/get-testing-session';
import { ListGateCodesInput, listGateCodes } from '@/server/services/health/list-gate-codes';
import { ListGateDutiesInput, listGateDuties } from '@/server/services/health/list-gate-duties';
import { ListHomeVisitsInput, listHomeVisits } from '@/server/services/health/list-home-visits';
import {
  ListMySelfTestFormsInput,
  listMySelfTestForms,
} from '@/server/services/health/list-my-self-test-forms';
import { ListRoundsInput, listRounds } from '@/server/services/health/list-rounds';
import {
  MarkStairwellTestedInput,
  markStairwellTested,
} from '@/server/services/health/mark-stairwell-tested';
import { OpenSelfTestRoundInput, openSelfTestRound } from '@/server/services/health/open-self-test-round';
import { OpenTestingSessionInput, openTestingSession } from '@/server/services/health/open-testing-session';
import { RecallBuildingInput, recallBuilding } from '@/server/services/health/recall-building';
import { RegisterGateInput, registerGate } from '@/server/services/health/register-gate';
import { RemindStairwellInput, remindStairwell } from '@/server/services/health/remind-stairwell';
import {
  ReportHouseholdSelfTestInput,
  reportHouseholdSelfTest,
} from '@/server/services/health/report-household-self-test';
import { ResolveFollowUpInput, resolveFollowUp } from '@/server/services/health/resolve-follow-up';
import { SkipBuildingInput, skipBuilding } from '@/server/services/health/skip-building';
import { SubmitSelfTestInput, submitSelfTest } from '@/server/services/health/submit-self-test';
import { WatchHealthInput, watchHealth } from '@/server/services/health/watch-health';
import {
  communityProcedure,
  coordinatorProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '@/server/api/trpc';

const member = communityProcedure();

/**
 * Health rounds (issue 14): the self-test tally, the testing call-out and the gate register. Each
 * procedure checks the role here and the scope in its service verb, which owns its input schema.
 */
export const healthRoundsRouter = router({
  // Rounds, for everyone in the compound
  rounds: member.input(ListRoundsInput).query(({ ctx, input }) => listRounds({ ctx, input })),
  closeRound: coordinatorProcedure
    .input(CloseRoundInput)
    .mutation(({ ctx, input }) => closeRound({ ctx, input })),

  // 抗原自测 tally
  openSelfTest: coordinatorProcedure
    .input(OpenSelfTestRoundInput)
    .mutation(({ ctx, input }) => openSelfTestRound({ ctx, input })),
  selfTestBoard: coordinatorProcedure
    .input(GetSelfTestBoardInput)
    .query(({ ctx, input }) => getSelfTestBoard({ ctx, input })),
  myForms: volunteerProcedure
    .input(ListMySelfTestFormsInput)
    .query(({ ctx, input }) => listMySelfTestForms({ ctx, input })),
  submitSelfTest: volunteerProcedure
    .input(SubmitSelfTestInput)
    .mutation(({ ctx, input }) => submitSelfTest({ ctx, input })),
  reportHousehold: residentProcedure
    .input(ReportHouseholdSelfTestInput)
    .mutation(({ ctx, input }) => reportHouseholdSelfTest({ ctx, input })),
  remind: coordinatorProcedure
    .input(RemindStairwellInput)
    .mutation(({ ctx, input }) => remindStairwell({ ctx, input })),
  resolveFollowUp: coordinatorProcedure
    .input(ResolveFollowUpInput)
    .mutation(({ ctx, input }) => resolveFollowUp({ ctx, input })),
  stairwellHistory: volunteerProcedure
    .input(GetStairwellHistoryInput)
    .query(({ ctx, input }) => getStairwellHistory({ ctx, input })),

  // 核酸 call-out
  openTesting: coordinatorProcedure
    .input(OpenTestingSessionInput)
    .mutation(({ ctx, input }) => openTestingSession({ ctx, input })),
  callNext: coordinatorProcedure
    .input(CallNextBuildingInput)
    .mutation(({ ctx, input }) => callNextBuilding({ ctx, input })),
  recall: coordinatorProcedure
    .input(RecallBuildingInput)
    .mutation(({ ctx, input }) => recallBuilding({ ctx, input })),
  skip: coordinatorProcedure
    .input(SkipBuildingInput)
    .mutation(({ ctx, input }) => skipBuilding({ ctx, input })),
  testing: member.input(GetTestingSessionInput).query(({ ctx, input }) => getTestingSession({ ctx, input })),
  markStairwell: volunteerProcedure
    .input(MarkStairwellTestedInput)
    .mutation(({ ctx, input }) => markStairwellTested({ ctx, input })),
  homeVisits: volunteerProcedure
    .input(ListHomeVisitsInput)
    .query(({ ctx, input }) => listHomeVisits({ ctx, input })),
  checkHomeVisit: volunteerProcedure
    .input(CheckHomeVisitInput)
    .mutation(({ ctx, input }) => checkHomeVisit({ ctx, input })),

  // 一戴三查 gate register
  myGateCode: residentProcedure
    .input(GetMyGateCodeInput)
    .query(({ ctx, input }) => getMyGateCode({ ctx, input })),
  gateCodes: coordinatorProcedure
    .input(ListGateCodesInput)
    .query(({ ctx, input }) => listGateCodes({ ctx, input })),
  gateDuties: coordinatorProcedure
    .input(ListGateDutiesInput)
    .query(({ ctx, input }) => listGateDuties({ ctx, input })),
  assignGateDuty: coordinatorProcedure
    .input(AssignGateDutyInput)
    .mutation(({ ctx, input }) => assignGateDuty({ ctx, input })),
  endGateDuty: coordinatorProcedure
    .input(EndGateDutyInput)
    .mutation(({ ctx, input }) => endGateDuty({ ctx, input })),
  gateRegister: volunteerProcedure
    .input(GetGateRegisterInput)
    .query(({ ctx, input }) => getGateRegister({ ctx, input })),
  registerGate: volunteerProcedure
    .input(RegisterGateInput)
    .mutation(({ ctx, input }) => registerGate({ ctx, input })),

  /** Live "something changed" (SSE): the page refetches what it shows when one arrives. */
  changes: member.input(WatchHealthInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const event of watchHealth({ ctx, input, signal })) yield tracked(event.id, event);
  }),
});
