import { z } from 'zod';
import { SafeString } from '@/server/services/shared/zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { AdmissionRef } from './fields';
import { requireValidPapers, transitionAdmission } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const ReinstateAdmissionInput = AdmissionRef.extend({ note: SafeString.max(1000).optional() });
export type ReinstateAdmissionInput = z.infer<typeof ReinstateAdmissionInput>;

/**
 * suspended → approved. Refused while the merchant's papers are out of date: reinstating would
 * admit a merchant the relay guard turns away at once; they renew first.
 */
export async function reinstateAdmission({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ReinstateAdmissionInput;
}) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const now = ctx.now();
  const row = await inTransaction(ctx.db, (tx) =>
    transitionAdmission(tx, {
      communityId: input.communityId,
      admissionId: input.admissionId,
      action: 'reinstate',
      actorUserId: ctx.user!.id,
      now,
      set: { reason: null, fieldRequests: {}, changedFields: [], decidedBy: ctx.user!.id, decidedAt: now },
      check: (a) => requireValidPapers(tx, a.merchantId, now),
      notify: 'merchant',
      payload: input.note?.trim() ? { note: input.note.trim().slice(0, 1000) } : undefined,
    }),
  );
  return { id: row.id, status: row.status };
}
