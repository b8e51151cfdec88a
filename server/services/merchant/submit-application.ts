import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { admissions } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { idOf, MerchantRef } from './fields';
import { FIELD_ERROR_MESSAGES, missingForSubmit, type FieldErrorCode, type FormField } from './rules';
import { requireMerchantRole, reviewInputs } from './scope';
import { resubmitRenewedAdmissions, transitionAdmission } from './transition';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

export const SubmitApplicationInput = MerchantRef.extend({
  /** Only these compounds; all chosen ones when omitted. */
  communityIds: z.array(idOf('小区')).max(50).optional(),
});
export type SubmitApplicationInput = z.infer<typeof SubmitApplicationInput>;

/**
 * Sends the application to the chosen compounds for review: every draft and every admission whose
 * changes were requested becomes `submitted`; an expired one goes back to review if its papers were
 * renewed. The whole application must be complete and in date, otherwise nothing is submitted and
 * the error lists every missing field (`details.missing`), the first one as `field`.
 */
export async function submitApplication({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SubmitApplicationInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    const { app, documents, attestations } = await reviewInputs(tx, input.merchantId);
    const missing = missingForSubmit(app, documents, attestations, localDate(now));
    const first = Object.keys(missing)[0] as FormField | undefined;
    if (first) {
      throw badRequest(
        'APPLICATION_INCOMPLETE',
        `申请还不完整：${Object.keys(missing).length} 项需要补充或修改 / The application is not complete: ${Object.keys(missing).length} item(s) to fill in or fix. (${first}: ${FIELD_ERROR_MESSAGES[missing[first] as FieldErrorCode]})`,
        { field: first, details: { missing } },
      );
    }
    const scope = input.communityIds?.length
      ? inArray(admissions.communityId, input.communityIds)
      : undefined;
    const pending = await tx
      .select({ communityId: admissions.communityId, id: admissions.id, status: admissions.status })
      .from(admissions)
      .where(and(eq(admissions.merchantId, input.merchantId), scope));
    const toSubmit = pending.filter((a) => a.status === 'draft' || a.status === 'changes_requested');
    const submitted = [];
    for (const a of toSubmit) {
      submitted.push(
        await transitionAdmission(tx, {
          communityId: a.communityId,
          admissionId: a.id,
          action: 'submit',
          actorUserId: user.id,
          now,
          set: { submittedAt: now },
          notify: 'coordinators',
        }),
      );
    }
    const renewed = pending.some((a) => a.status === 'expired')
      ? await resubmitRenewedAdmissions(tx, input.merchantId, user.id, now)
      : [];
    if (submitted.length + renewed.length === 0) {
      if (pending.length === 0) {
        throw preconditionFailed(
          'NO_COMMUNITY_SELECTED',
          '请先选择要申请的小区 / Choose the compounds to apply to first.',
          {
            field: 'communityIds',
          },
        );
      }
      if (pending.some((a) => a.status === 'expired')) {
        throw preconditionFailed(
          'RENEWAL_INCOMPLETE',
          '证照已过期：请填写新的有效期并上传新的许可证或通行证照片 / Your papers expired: enter the new expiry date and upload the new permit or pass.',
        );
      }
      throw preconditionFailed(
        'NOTHING_TO_SUBMIT',
        '没有需要提交的申请：已提交的正在审核中 / Nothing to submit: what you sent is being reviewed.',
      );
    }
    return {
      submitted: [...submitted, ...renewed].map((a) => ({
        communityId: a.communityId,
        admissionId: a.id,
        status: a.status,
      })),
    };
  });
}
