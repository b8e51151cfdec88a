/**
 * The coordinators' review (核查准入) of one compound: the queue, one application, and the five
 * decisions. The procedure checks the role in the compound; the services check it again and keep
 * every read inside `communityId` (another compound's application reads as NOT_FOUND).
 */
import { AdmissionDecisionInput, approveAdmission } from '@/server/services/merchant/approve-admission';
import { GetAdmissionInput, getAdmission } from '@/server/services/merchant/get-admission';
import { ListAdmissionsInput, listAdmissions } from '@/server/services/merchant/list-admissions';
import { ReinstateAdmissionInput, reinstateAdmission } from '@/server/services/merchant/reinstate-admission';
import { RejectAdmissionInput, rejectAdmission } from '@/server/services/merchant/reject-admission';
import {
  RequestAdmissionChangesInput,
  requestAdmissionChanges,
} from '@/server/services/merchant/request-admission-changes';
import { SuspendAdmissionInput, suspendAdmission } from '@/server/services/merchant/suspend-admission';
import { coordinatorProcedure, router } from '@/server/api/trpc';

export const admissionRouter = router({
  list: coordinatorProcedure
    .input(ListAdmissionsInput)
    .query(({ ctx, input }) => listAdmissions({ ctx, input })),
  get: coordinatorProcedure.input(GetAdmissionInput).query(({ ctx, input }) => getAdmission({ ctx, input })),
  approve: coordinatorProcedure
    .input(AdmissionDecisionInput)
    .mutation(({ ctx, input }) => approveAdmission({ ctx, input })),
  requestChanges: coordinatorProcedure
    .input(RequestAdmissionChangesInput)
    .mutation(({ ctx, input }) => requestAdmissionChanges({ ctx, input })),
  reject: coordinatorProcedure
    .input(RejectAdmissionInput)
    .mutation(({ ctx, input }) => rejectAdmission({ ctx, input })),
  suspend: coordinatorProcedure
    .input(SuspendAdmissionInput)
    .mutation(({ ctx, input }) => suspendAdmission({ ctx, input })),
  reinstate: coordinatorProcedure
    .input(ReinstateAdmissionInput)
    .mutation(({ ctx, input }) => reinstateAdmission({ ctx, input })),
});
