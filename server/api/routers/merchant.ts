/**
 * The merchant's side of onboarding: the application wizard, documents metadata, compounds to
 * apply to, submission, the team and the catalog. Any signed-in person may start an application;
 * everything else is scoped to the merchant's members by the service (owner-only where it says so).
 * File bytes travel through route handlers (app/api/merchant/*, app/api/files/*), not tRPC.
 */
import {
  AddHealthAttestationInput,
  addHealthAttestation,
} from '@/server/services/merchant/add-health-attestation';
import {
  ApplyToCommunitiesInput,
  applyToCommunities,
  WithdrawDraftAdmissionInput,
  withdrawDraftAdmission,
} from '@/server/services/merchant/apply-to-communities';
import { CreateProductInput, createProduct } from '@/server/services/merchant/create-product';
import { DeleteProductInput, deleteProduct } from '@/server/services/merchant/delete-product';
import { GetApplicationInput, getApplication } from '@/server/services/merchant/get-application';
import { InviteStaffInput, inviteStaff } from '@/server/services/merchant/invite-staff';
import { listCommunities } from '@/server/services/merchant/list-communities';
import { listMyMerchants } from '@/server/services/merchant/list-my-merchants';
import { ListProductsInput, listProducts } from '@/server/services/merchant/list-products';
import { ListTeamInput, listTeam } from '@/server/services/merchant/list-team';
import {
  RemoveHealthAttestationInput,
  removeHealthAttestation,
} from '@/server/services/merchant/remove-health-attestation';
import {
  RemoveMerchantDocumentInput,
  removeMerchantDocument,
} from '@/server/services/merchant/remove-merchant-document';
import { RemoveStaffInput, removeStaff } from '@/server/services/merchant/remove-staff';
import { SetProductActiveInput, setProductActive } from '@/server/services/merchant/set-product-active';
import { StartApplicationInput, startApplication } from '@/server/services/merchant/start-application';
import { SubmitApplicationInput, submitApplication } from '@/server/services/merchant/submit-application';
import { UpdateApplicationInput, updateApplication } from '@/server/services/merchant/update-application';
import { UpdateProductInput, updateProduct } from '@/server/services/merchant/update-product';
import { protectedProcedure, router } from '@/server/api/trpc';

export const merchantRouter = router({
  /** The merchants I belong to, with each compound's status. */
  mine: protectedProcedure.query(({ ctx }) => listMyMerchants({ ctx })),
  /** Compounds one can apply to. */
  communities: protectedProcedure.query(({ ctx }) => listCommunities({ ctx })),
  start: protectedProcedure
    .input(StartApplicationInput)
    .mutation(({ ctx, input }) => startApplication({ ctx, input })),
  get: protectedProcedure
    .input(GetApplicationInput)
    .query(({ ctx, input }) => getApplication({ ctx, input })),
  update: protectedProcedure
    .input(UpdateApplicationInput)
    .mutation(({ ctx, input }) => updateApplication({ ctx, input })),
  addAttestation: protectedProcedure
    .input(AddHealthAttestationInput)
    .mutation(({ ctx, input }) => addHealthAttestation({ ctx, input })),
  removeAttestation: protectedProcedure
    .input(RemoveHealthAttestationInput)
    .mutation(({ ctx, input }) => removeHealthAttestation({ ctx, input })),
  removeDocument: protectedProcedure
    .input(RemoveMerchantDocumentInput)
    .mutation(({ ctx, input }) => removeMerchantDocument({ ctx, input })),
  applyTo: protectedProcedure
    .input(ApplyToCommunitiesInput)
    .mutation(({ ctx, input }) => applyToCommunities({ ctx, input })),
  withdraw: protectedProcedure
    .input(WithdrawDraftAdmissionInput)
    .mutation(({ ctx, input }) => withdrawDraftAdmission({ ctx, input })),
  submit: protectedProcedure
    .input(SubmitApplicationInput)
    .mutation(({ ctx, input }) => submitApplication({ ctx, input })),

  products: protectedProcedure
    .input(ListProductsInput)
    .query(({ ctx, input }) => listProducts({ ctx, input })),
  createProduct: protectedProcedure
    .input(CreateProductInput)
    .mutation(({ ctx, input }) => createProduct({ ctx, input })),
  updateProduct: protectedProcedure
    .input(UpdateProductInput)
    .mutation(({ ctx, input }) => updateProduct({ ctx, input })),
  setProductActive: protectedProcedure
    .input(SetProductActiveInput)
    .mutation(({ ctx, input }) => setProductActive({ ctx, input })),
  deleteProduct: protectedProcedure
    .input(DeleteProductInput)
    .mutation(({ ctx, input }) => deleteProduct({ ctx, input })),

  team: protectedProcedure.input(ListTeamInput).query(({ ctx, input }) => listTeam({ ctx, input })),
  inviteStaff: protectedProcedure
    .input(InviteStaffInput)
    .mutation(({ ctx, input }) => inviteStaff({ ctx, input })),
  removeStaff: protectedProcedure
    .input(RemoveStaffInput)
    .mutation(({ ctx, input }) => removeStaff({ ctx, input })),
});
