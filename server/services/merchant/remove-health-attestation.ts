import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { healthAttestations } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { notFound } from '@/server/services/shared/errors';
import { idOf, MerchantRef } from './fields';
import { recordApplicationChange, requireMerchantRole } from './scope';
import { inTransaction } from '@/server/services/shared/tx';

export const RemoveHealthAttestationInput = MerchantRef.extend({ attestationId: idOf('记录') });
export type RemoveHealthAttestationInput = z.infer<typeof RemoveHealthAttestationInput>;

export async function removeHealthAttestation({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RemoveHealthAttestationInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  return inTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .delete(healthAttestations)
      .where(
        and(
          eq(healthAttestations.merchantId, input.merchantId),
          eq(healthAttestations.id, input.attestationId),
        ),
      )
      .returning();
    if (!row) throw notFound('ATTESTATION_NOT_FOUND', '找不到这条记录 / That attestation was not found.');
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.attestation_removed',
      entityType: 'merchant',
      entityId: input.merchantId,
      before: { personName: row.personName, lastNegativeTestOn: row.lastNegativeTestOn },
    });
    await recordApplicationChange(tx, { ...ctx, user }, input.merchantId, ['healthAttestations']);
    return { removed: row.id };
  });
}
