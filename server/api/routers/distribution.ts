import { tracked } from '@trpc/server';
import { CheckOffBagInput, checkOffBag } from '@/server/services/distribution/check-off-bag';
import { ConfirmBagInput, confirmBag } from '@/server/services/distribution/confirm-bag';
import { DecideProblemInput, decideProblem } from '@/server/services/distribution/decide-problem';
import { DispatchDeliveryInput, dispatchDelivery } from '@/server/services/distribution/dispatch-delivery';
import { watchDistribution, WatchDistributionInput } from '@/server/services/distribution/events';
import { GetBoardInput, getBoard } from '@/server/services/distribution/get-board';
import { GetBoardNotesInput, getBoardNotes } from '@/server/services/distribution/get-board-notes';
import { GetGateInput, getGate } from '@/server/services/distribution/get-gate';
import { GetPhotoInput, getPhoto } from '@/server/services/distribution/get-photo';
import { GetHouseholdBagsInput, getHouseholdBags } from '@/server/services/distribution/get-household-bags';
import { GetRelayDeliveryInput, getRelayDelivery } from '@/server/services/distribution/get-relay-delivery';
import { ListCheckoffBagsInput, listCheckoffBags } from '@/server/services/distribution/list-checkoff-bags';
import { PreviewShortfallInput, previewShortfall } from '@/server/services/distribution/preview-shortfall';
import { RecordArrivalInput, recordArrival } from '@/server/services/distribution/record-arrival';
import {
  RecordDisinfectionInput,
  recordDisinfection,
} from '@/server/services/distribution/record-disinfection';
import { RefundBagInput, refundBag } from '@/server/services/distribution/refund-bag';
import { ReleaseBatchInput, releaseBatch } from '@/server/services/distribution/release-batch';
import { ReportProblemInput, reportProblem } from '@/server/services/distribution/report-problem';
import { SettleShortfallInput, settleShortfall } from '@/server/services/distribution/settle-shortfall';
import { UploadPhotoInput, uploadPhoto } from '@/server/services/distribution/upload-photo';
import {
  communityProcedure,
  coordinatorProcedure,
  protectedProcedure,
  residentProcedure,
  router,
  volunteerProcedure,
} from '@/server/api/trpc';
import { UndoCheckOffInput, undoCheckOff } from '@/server/services/distribution/undo-check-off';

/**
 * From the truck to the door. Merchants are not community members, so their procedures are
 * `protectedProcedure`s and the service checks merchant membership (others read NOT_FOUND).
 */
export const distributionRouter = router({
  // Merchant
  relayDelivery: protectedProcedure
    .input(GetRelayDeliveryInput)
    .query(({ ctx, input }) => getRelayDelivery({ ctx, input })),
  dispatch: protectedProcedure
    .input(DispatchDeliveryInput)
    .mutation(({ ctx, input }) => dispatchDelivery({ ctx, input })),
  previewShortfall: protectedProcedure
    .input(PreviewShortfallInput)
    .query(({ ctx, input }) => previewShortfall({ ctx, input })),
  settleShortfall: protectedProcedure
    .input(SettleShortfallInput)
    .mutation(({ ctx, input }) => settleShortfall({ ctx, input })),
  decideProblem: protectedProcedure
    .input(DecideProblemInput)
    .mutation(({ ctx, input }) => decideProblem({ ctx, input })),
  refundBag: protectedProcedure.input(RefundBagInput).mutation(({ ctx, input }) => refundBag({ ctx, input })),

  // Gate
  gate: volunteerProcedure.input(GetGateInput).query(({ ctx, input }) => getGate({ ctx, input })),
  recordArrival: volunteerProcedure
    .input(RecordArrivalInput)
    .mutation(({ ctx, input }) => recordArrival({ ctx, input })),
  recordDisinfection: volunteerProcedure
    .input(RecordDisinfectionInput)
    .mutation(({ ctx, input }) => recordDisinfection({ ctx, input })),
  release: volunteerProcedure
    .input(ReleaseBatchInput)
    .mutation(({ ctx, input }) => releaseBatch({ ctx, input })),

  // Stairwells
  checkoffBags: volunteerProcedure
    .input(ListCheckoffBagsInput)
    .query(({ ctx, input }) => listCheckoffBags({ ctx, input })),
  checkOff: volunteerProcedure
    .input(CheckOffBagInput)
    .mutation(({ ctx, input }) => checkOffBag({ ctx, input })),
  /** 撤销送达: a mis-tapped ✓ 送达 taken back within a few minutes (online or from the offline queue). */
  undoCheckOff: volunteerProcedure
    .input(UndoCheckOffInput)
    .mutation(({ ctx, input }) => undoCheckOff({ ctx, input })),

  // Residents
  myBags: residentProcedure
    .input(GetHouseholdBagsInput)
    .query(({ ctx, input }) => getHouseholdBags({ ctx, input })),
  confirm: residentProcedure.input(ConfirmBagInput).mutation(({ ctx, input }) => confirmBag({ ctx, input })),
  reportProblem: residentProcedure
    .input(ReportProblemInput)
    .mutation(({ ctx, input }) => reportProblem({ ctx, input })),

  // Photos (disinfection record, check-off exception, problem report)
  uploadPhoto: communityProcedure()
    .input(UploadPhotoInput)
    .mutation(({ ctx, input }) => uploadPhoto({ ctx, input })),
  photo: protectedProcedure.input(GetPhotoInput).query(({ ctx, input }) => getPhoto({ ctx, input })),

  // Coordinators
  board: coordinatorProcedure.input(GetBoardInput).query(({ ctx, input }) => getBoard({ ctx, input })),
  boardNotes: coordinatorProcedure
    .input(GetBoardNotesInput)
    .query(({ ctx, input }) => getBoardNotes({ ctx, input })),

  /** Live changes (SSE): the client refetches what it shows when one arrives. */
  changes: communityProcedure()
    .input(WatchDistributionInput)
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const event of watchDistribution({
        ctx,
        input: { communityId: input.communityId, householdIds: ctx.community.householdIds },
        signal,
      })) {
        yield tracked(event.id, event);
      }
    }),
});
