/**
 * Needs and errands (需求登记、代送上门): recorded by residents or volunteers, claimed by one
 * volunteer at a time, bought, delivered and settled (online or cash). Each verb owns its input.
 */
import {
  getCarePhoto,
  GetCarePhotoInput,
  uploadCarePhoto,
  UploadCarePhotoInput,
} from '@/server/services/care/care-photo';
import { listCheckins, ListCheckinsInput } from '@/server/services/care/list-checkins';
import { recordCareContact, RecordCareContactInput } from '@/server/services/care/record-care-contact';
import { claimNeed, ClaimNeedInput } from '@/server/services/needs/claim-need';
import { listHouseholdNeeds, ListHouseholdNeedsInput } from '@/server/services/needs/list-household-needs';
import { listNeeds, ListNeedsInput } from '@/server/services/needs/list-needs';
import { markNeedBought, MarkNeedBoughtInput } from '@/server/services/needs/mark-need-bought';
import { markNeedDelivered, MarkNeedDeliveredInput } from '@/server/services/needs/mark-need-delivered';
import { payNeedOnline, PayNeedOnlineInput } from '@/server/services/needs/pay-need-online';
import { recordNeed, RecordNeedInput } from '@/server/services/needs/record-need';
import { releaseNeed, ReleaseNeedInput } from '@/server/services/needs/release-need';
import { settleNeedCash, SettleNeedCashInput } from '@/server/services/needs/settle-need-cash';
import { communityProcedure, residentProcedure, router, volunteerProcedure } from '@/server/api/trpc';

export const needsRouter = router({
  record: communityProcedure()
    .input(RecordNeedInput)
    .mutation(({ ctx, input }) => recordNeed({ ctx, input })),
  list: volunteerProcedure.input(ListNeedsInput).query(({ ctx, input }) => listNeeds({ ctx, input })),
  mine: residentProcedure
    .input(ListHouseholdNeedsInput)
    .query(({ ctx, input }) => listHouseholdNeeds({ ctx, input })),
  claim: volunteerProcedure.input(ClaimNeedInput).mutation(({ ctx, input }) => claimNeed({ ctx, input })),
  release: volunteerProcedure
    .input(ReleaseNeedInput)
    .mutation(({ ctx, input }) => releaseNeed({ ctx, input })),
  bought: volunteerProcedure
    .input(MarkNeedBoughtInput)
    .mutation(({ ctx, input }) => markNeedBought({ ctx, input })),
  delivered: volunteerProcedure
    .input(MarkNeedDeliveredInput)
    .mutation(({ ctx, input }) => markNeedDelivered({ ctx, input })),
  settleCash: volunteerProcedure
    .input(SettleNeedCashInput)
    .mutation(({ ctx, input }) => settleNeedCash({ ctx, input })),
  payOnline: residentProcedure
    .input(PayNeedOnlineInput)
    .mutation(({ ctx, input }) => payNeedOnline({ ctx, input })),
  /** 询问需求: care households of my stairwells with "last contacted", overdue first. */
  checkins: volunteerProcedure
    .input(ListCheckinsInput)
    .query(({ ctx, input }) => listCheckins({ ctx, input })),
  contact: volunteerProcedure
    .input(RecordCareContactInput)
    .mutation(({ ctx, input }) => recordCareContact({ ctx, input })),
  /** Photos of needs, deliveries and notices (stored under care/<community>/). */
  uploadPhoto: communityProcedure()
    .input(UploadCarePhotoInput)
    .mutation(({ ctx, input }) => uploadCarePhoto({ ctx, input })),
  photo: communityProcedure()
    .input(GetCarePhotoInput)
    .query(({ ctx, input }) => getCarePhoto({ ctx, input })),
});
