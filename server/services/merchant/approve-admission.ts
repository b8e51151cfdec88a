import { z } from 'zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { AdmissionRef } from './fields';
import { requireValidPapers, transitionAdmission } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const AdmissionDecisionInput = AdmissionRef;
export type AdmissionDecisionInput = z.infer<typeof AdmissionDecisionInput>;

/** submitted → approved (准入). Only with the required documents on file and in date. */
export async function approveAdmission({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AdmissionDecisionInput;
}) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const now = ctx.now();
  const row = await inTransaction(ctx.db, (tx) =>
    transitionAdmission(tx, {
      ...input,
      action: 'approve',
      actorUserId: ctx.user!.id,
      now,
      set: {
        reason: null,
        fieldRequests: {},
        changedFields: [],
        decidedBy: ctx.user!.id,
        decidedAt: now,
        expiredAt: null,
      },
      check: (a) => requireValidPapers(tx, a.merchantId, now),
      notify: 'merchant',
    }),
  );
  return { id: row.id, status: row.status };
}
