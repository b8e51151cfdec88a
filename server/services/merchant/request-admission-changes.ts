import { z } from 'zod';
import { SafeString } from '@/server/services/shared/zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { AdmissionRef } from './fields';
import { FORM_FIELDS } from './rules';
import { transitionAdmission } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const RequestAdmissionChangesInput = AdmissionRef.extend({
  /** What to change, field by field: `{ creditCode: '与执照不符', 'documents.food_permit': '照片模糊' }`. */
  fields: z.partialRecord(z.enum(FORM_FIELDS as [string, ...string[]]), SafeString.max(500)),
});
export type RequestAdmissionChangesInput = z.infer<typeof RequestAdmissionChangesInput>;

/** submitted → changes_requested, with a reason for each field the merchant must fix. */
export async function requestAdmissionChanges({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RequestAdmissionChangesInput;
}) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const fieldRequests: Record<string, string> = {};
  for (const [field, reason] of Object.entries(input.fields)) {
    if (!(FORM_FIELDS as readonly string[]).includes(field)) {
      throw badRequest('UNKNOWN_FIELD', `未知字段 / Unknown field: ${field}`, { field: 'fields' });
    }
    const text = (reason ?? '').trim();
    if (text) fieldRequests[field] = text.slice(0, 500);
  }
  if (Object.keys(fieldRequests).length === 0) {
    throw badRequest(
      'CHANGE_REASON_REQUIRED',
      '请至少为一项写明需要修改的原因 / Say what to change for at least one field.',
      {
        field: 'fields',
      },
    );
  }
  const now = ctx.now();
  const row = await inTransaction(ctx.db, (tx) =>
    transitionAdmission(tx, {
      communityId: input.communityId,
      admissionId: input.admissionId,
      action: 'requestChanges',
      actorUserId: ctx.user!.id,
      now,
      set: { fieldRequests, reason: null, changedFields: [], decidedBy: ctx.user!.id, decidedAt: now },
      notify: 'merchant',
    }),
  );
  return { id: row.id, status: row.status, fieldRequests: row.fieldRequests };
}
