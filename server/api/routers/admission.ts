/**
 * The coordinators' review (核查准入) of one compound: the queue, one application, and the five
 * decisions. The procedure checks the role in the compound; the services check it again and keep
 * every read inside `communityId` (another compound's application reads as NOT_FOUND).
 */
import { z } from 'zod';
import { approveAdmission } from '@/server/services/merchant/approve-admission';
import { getAdmission } from '@/server/services/merchant/get-admission';
import { ADMISSION_FILTERS, listAdmissions } from '@/server/services/merchant/list-admissions';
import { reinstateAdmission } from '@/server/services/merchant/reinstate-admission';
import { rejectAdmission } from '@/server/services/merchant/reject-admission';
import { requestAdmissionChanges } from '@/server/services/merchant/request-admission-changes';
import { FORM_FIELDS } from '@/server/services/merchant/rules';
import { suspendAdmission } from '@/server/services/merchant/suspend-admission';
import { CommunityInput, coordinatorProcedure, router } from '../trpc';

const AdmissionRef = CommunityInput.extend({
  admissionId: z.uuid({ error: '申请编号无效 / Invalid application id' }),
});
const Reason = z
  .string({ error: '请写明原因 / Please give a reason.' })
  .trim()
  .min(1, { error: '请写明原因 / Please give a reason.' })
  .max(1000, { error: '原因太长 / The reason is too long.' });

export const ListAdmissionsInput = CommunityInput.extend({
  filter: z.enum(ADMISSION_FILTERS).default('submitted'),
});
export type ListAdmissionsInput = z.infer<typeof ListAdmissionsInput>;

export const GetAdmissionInput = AdmissionRef;
export type GetAdmissionInput = z.infer<typeof GetAdmissionInput>;

export const ApproveAdmissionInput = AdmissionRef;
export type ApproveAdmissionInput = z.infer<typeof ApproveAdmissionInput>;

export const RequestAdmissionChangesInput = AdmissionRef.extend({
  fields: z.partialRecord(z.enum(FORM_FIELDS as [string, ...string[]]), z.string().max(500)),
});
export type RequestAdmissionChangesInput = z.infer<typeof RequestAdmissionChangesInput>;

export const RejectAdmissionInput = AdmissionRef.extend({ reason: Reason });
export type RejectAdmissionInput = z.infer<typeof RejectAdmissionInput>;

export const SuspendAdmissionInput = AdmissionRef.extend({ reason: Reason });
export type SuspendAdmissionInput = z.infer<typeof SuspendAdmissionInput>;

export const ReinstateAdmissionInput = AdmissionRef.extend({ note: z.string().max(1000).optional() });
export type ReinstateAdmissionInput = z.infer<typeof ReinstateAdmissionInput>;

export const admissionRouter = router({
  list: coordinatorProcedure
    .input(ListAdmissionsInput)
    .query(({ ctx, input }) => listAdmissions({ ctx, input })),
  get: coordinatorProcedure.input(GetAdmissionInput).query(({ ctx, input }) => getAdmission({ ctx, input })),
  approve: coordinatorProcedure
    .input(ApproveAdmissionInput)
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
