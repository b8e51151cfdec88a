import { count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { healthAttestations } from '@/db/schema';
import { SafeString } from '@/server/services/shared/zod';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, preconditionFailed } from '@/server/services/shared/errors';
import { MerchantRef } from './fields';
import { isIsoDate } from './rules';
import { recordApplicationChange, requireMerchantRole } from './scope';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

export const AddHealthAttestationInput = MerchantRef.extend({
  personName: SafeString.max(100),
  lastNegativeTestOn: SafeString.max(20),
});
export type AddHealthAttestationInput = z.infer<typeof AddHealthAttestationInput>;

/** The most people one application lists; a compound checks staff who come to the gate, not a payroll. */
const MAX_ATTESTATIONS = 50;

/** A staff member and the date of their last negative test (核酸阴性证明). */
export async function addHealthAttestation({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: AddHealthAttestationInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  const now = ctx.now();
  const personName = input.personName.trim().replace(/\s+/g, ' ');
  if (!personName)
    throw badRequest('REQUIRED', '请填写姓名 / Enter the person’s name.', { field: 'personName' });
  if (personName.length > 40)
    throw badRequest('TOO_LONG', '姓名太长 / The name is too long.', { field: 'personName' });
  if (!isIsoDate(input.lastNegativeTestOn)) {
    throw badRequest('DATE_INVALID', '日期无效 / This date is not valid.', { field: 'lastNegativeTestOn' });
  }
  if (input.lastNegativeTestOn > localDate(now)) {
    throw badRequest('TEST_DATE_IN_FUTURE', '检测日期不能晚于今天 / The test date cannot be in the future.', {
      field: 'lastNegativeTestOn',
    });
  }
  return inTransaction(ctx.db, async (tx) => {
    const [{ n }] = (await tx
      .select({ n: count() })
      .from(healthAttestations)
      .where(eq(healthAttestations.merchantId, input.merchantId))) as [{ n: number }];
    if (n >= MAX_ATTESTATIONS) {
      throw preconditionFailed(
        'TOO_MANY_ATTESTATIONS',
        `最多 ${MAX_ATTESTATIONS} 人 / At most ${MAX_ATTESTATIONS} people.`,
        {
          field: 'healthAttestations',
        },
      );
    }
    const [row] = await tx
      .insert(healthAttestations)
      .values({
        merchantId: input.merchantId,
        personName,
        lastNegativeTestOn: input.lastNegativeTestOn,
        createdAt: now,
      })
      .returning();
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.attestation_added',
      entityType: 'merchant',
      entityId: input.merchantId,
      after: { personName, lastNegativeTestOn: input.lastNegativeTestOn },
    });
    await recordApplicationChange(tx, { ...ctx, user }, input.merchantId, ['healthAttestations']);
    return row!;
  });
}
