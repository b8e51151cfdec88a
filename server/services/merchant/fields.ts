/**
 * Field schemas the merchant and admission verbs' `Input`s share (each verb owns its own `Input`).
 * Text is taken as typed: the verbs trim it and check its meaning (check digit, phone, date).
 */
import { z } from 'zod';
import { MAX_PRICE_FEN } from '@/server/services/shared/money';
import { CommunityId, idOf, SafeString, safeText } from '@/server/services/shared/zod';

export { idOf };

export const MerchantRef = z.object({ merchantId: idOf('商家') });

/** One field of the application form. */
export const FormText = SafeString.max(200, { error: '内容太长 / Too long' }).nullable().optional();

export const AdmissionRef = z.object({
  communityId: CommunityId,
  admissionId: z.uuid({ error: '申请编号无效 / Invalid application id' }),
});

export const Reason = safeText({
  typeMessage: '请写明原因 / Please give a reason.',
  min: 1,
  minMessage: '请写明原因 / Please give a reason.',
  max: 1000,
  maxMessage: '原因太长 / The reason is too long.',
});

const PriceFen = z
  .number()
  .int({ error: '价格须为整数分 / Price must be whole fen' })
  .min(0)
  .max(MAX_PRICE_FEN);

export const ProductFieldsInput = z.object({
  name: SafeString.max(200),
  spec: SafeString.max(200),
  unit: SafeString.max(50),
  priceFen: PriceFen,
  category: SafeString.max(100),
});
