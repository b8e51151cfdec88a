/**
 * The merchant's side of onboarding: the application wizard, documents metadata, compounds to
 * apply to, submission, the team and the catalog. Any signed-in person may start an application;
 * everything else is scoped to the merchant's members by the service (owner-only where it says so).
 * File bytes travel through route handlers (app/api/merchant/*, app/api/files/*), not tRPC.
 */
import { z } from 'zod';
import { addHealthAttestation } from '@/server/services/merchant/add-health-attestation';
import { applyToCommunities, withdrawDraftAdmission } from '@/server/services/merchant/apply-to-communities';
import { createProduct } from '@/server/services/merchant/create-product';
import { deleteProduct } from '@/server/services/merchant/delete-product';
import { getApplication } from '@/server/services/merchant/get-application';
import { inviteStaff } from '@/server/services/merchant/invite-staff';
import { listCommunities } from '@/server/services/merchant/list-communities';
import { listMyMerchants } from '@/server/services/merchant/list-my-merchants';
import { listProducts } from '@/server/services/merchant/list-products';
import { listTeam } from '@/server/services/merchant/list-team';
import { removeHealthAttestation } from '@/server/services/merchant/remove-health-attestation';
import { removeMerchantDocument } from '@/server/services/merchant/remove-merchant-document';
import { removeStaff } from '@/server/services/merchant/remove-staff';
import { MERCHANT_KINDS } from '@/server/services/merchant/rules';
import { setProductActive } from '@/server/services/merchant/set-product-active';
import { startApplication } from '@/server/services/merchant/start-application';
import { submitApplication } from '@/server/services/merchant/submit-application';
import { updateApplication } from '@/server/services/merchant/update-application';
import { updateProduct } from '@/server/services/merchant/update-product';
import { protectedProcedure, router } from '../trpc';
import { MAX_PRICE_FEN } from '@/server/services/shared/money';

const id = (what: string) => z.uuid({ error: `${what}编号无效 / Invalid ${what} id` });
const MerchantRef = z.object({ merchantId: id('商家') });
/** Text the applicant typed; the service trims it and checks its meaning (check digit, phone, date). */
const Field = z.string().max(200, { error: '内容太长 / Too long' }).nullable().optional();

export const StartApplicationInput = z.object({ requestId: id('请求') });
export type StartApplicationInput = z.infer<typeof StartApplicationInput>;

export const UpdateApplicationInput = MerchantRef.extend({
  patch: z
    .object({
      legalName: Field,
      displayName: Field,
      kind: z.enum(MERCHANT_KINDS).optional(),
      creditCode: Field,
      contactName: Field,
      contactPhone: Field,
      foodPermitNo: Field,
      foodPermitExpiresOn: Field,
      vehiclePlate: Field,
      driverName: Field,
      driverPhone: Field,
      vehiclePassExpiresOn: Field,
    })
    .strict(),
});
export type UpdateApplicationInput = z.infer<typeof UpdateApplicationInput>;

export const AddHealthAttestationInput = MerchantRef.extend({
  personName: z.string().max(100),
  lastNegativeTestOn: z.string().max(20),
});
export type AddHealthAttestationInput = z.infer<typeof AddHealthAttestationInput>;

export const RemoveHealthAttestationInput = MerchantRef.extend({ attestationId: id('记录') });
export type RemoveHealthAttestationInput = z.infer<typeof RemoveHealthAttestationInput>;

export const RemoveMerchantDocumentInput = MerchantRef.extend({ documentId: id('文件') });
export type RemoveMerchantDocumentInput = z.infer<typeof RemoveMerchantDocumentInput>;

export const ApplyToCommunitiesInput = MerchantRef.extend({ communityIds: z.array(id('小区')).max(50) });
export type ApplyToCommunitiesInput = z.infer<typeof ApplyToCommunitiesInput>;

export const WithdrawDraftAdmissionInput = MerchantRef.extend({ communityId: id('小区') });
export type WithdrawDraftAdmissionInput = z.infer<typeof WithdrawDraftAdmissionInput>;

export const SubmitApplicationInput = MerchantRef.extend({
  communityIds: z.array(id('小区')).max(50).optional(),
});
export type SubmitApplicationInput = z.infer<typeof SubmitApplicationInput>;

export const ListProductsInput = MerchantRef.extend({ includeInactive: z.boolean().optional() });
export type ListProductsInput = z.infer<typeof ListProductsInput>;

const PriceFen = z
  .number()
  .int({ error: '价格须为整数分 / Price must be whole fen' })
  .min(0)
  .max(MAX_PRICE_FEN);
const ProductFields = z.object({
  name: z.string().max(200),
  spec: z.string().max(200),
  unit: z.string().max(50),
  priceFen: PriceFen,
  category: z.string().max(100),
});

export const CreateProductInput = MerchantRef.extend({ active: z.boolean().optional() }).extend(
  ProductFields.shape,
);
export type CreateProductInput = z.infer<typeof CreateProductInput>;

export const UpdateProductInput = MerchantRef.extend({
  productId: id('商品'),
  patch: ProductFields.partial().strict(),
});
export type UpdateProductInput = z.infer<typeof UpdateProductInput>;

export const SetProductActiveInput = MerchantRef.extend({ productId: id('商品'), active: z.boolean() });
export type SetProductActiveInput = z.infer<typeof SetProductActiveInput>;

export const DeleteProductInput = MerchantRef.extend({ productId: id('商品') });
export type DeleteProductInput = z.infer<typeof DeleteProductInput>;

export const InviteStaffInput = MerchantRef.extend({ phone: z.string().max(40), name: z.string().max(100) });
export type InviteStaffInput = z.infer<typeof InviteStaffInput>;

export const RemoveStaffInput = MerchantRef.extend({ userId: id('用户') });
export type RemoveStaffInput = z.infer<typeof RemoveStaffInput>;

export const merchantRouter = router({
  /** The merchants I belong to, with each compound's status. */
  mine: protectedProcedure.query(({ ctx }) => listMyMerchants({ ctx })),
  /** Compounds one can apply to. */
  communities: protectedProcedure.query(({ ctx }) => listCommunities({ ctx })),
  start: protectedProcedure
    .input(StartApplicationInput)
    .mutation(({ ctx, input }) => startApplication({ ctx, input })),
  get: protectedProcedure.input(MerchantRef).query(({ ctx, input }) => getApplication({ ctx, input })),
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

  team: protectedProcedure.input(MerchantRef).query(({ ctx, input }) => listTeam({ ctx, input })),
  inviteStaff: protectedProcedure
    .input(InviteStaffInput)
    .mutation(({ ctx, input }) => inviteStaff({ ctx, input })),
  removeStaff: protectedProcedure
    .input(RemoveStaffInput)
    .mutation(({ ctx, input }) => removeStaff({ ctx, input })),
});
