import { z } from 'zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { AdmissionRef, Reason } from './fields';
import { transitionAdmission } from './transition';
import { inTransaction } from '@/server/services/shared/tx';

export const SuspendAdmissionInput = AdmissionRef.extend({ reason: Reason });
export type SuspendAdmissionInput = z.infer<typeof SuspendAdmissionInput>;

/** approved → suspended: the merchant cannot open relays and its open relays stop taking orders. The reason is required. */
export async function suspendAdmission({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SuspendAdmissionInput;
}) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const reason = input.reason.trim();
  if (!reason) throw badRequest('REASON_REQUIRED', '请写明原因 / Please give a reason.', { field: 'reason' });
  const now = ctx.now();
  const row = await inTransaction(ctx.db, (tx) =>
    transitionAdmission(tx, {
      communityId: input.communityId,
      admissionId: input.admissionId,
      action: 'suspend',
      actorUserId: ctx.user!.id,
      now,
      set: { reason: reason.slice(0, 1000), changedFields: [], decidedBy: ctx.user!.id, decidedAt: now },
      notify: 'merchant',
    }),
  );
  return { id: row.id, status: row.status };
}
