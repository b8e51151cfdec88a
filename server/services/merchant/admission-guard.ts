import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { admissions, merchants } from '@/db/schema';
import { preconditionFailed } from '../shared/errors';

/** YYYY-MM-DD of `now` in the compounds' time zone (documents expire by calendar day in Shanghai). */
export function shanghaiDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/**
 * The check every relay opening and every join runs: the merchant is admitted to the compound and
 * its food permit and vehicle pass are still valid today. A document past its date refuses the sale
 * at once, even before the timed job has flipped the admission to `expired` (that write would be
 * rolled back with the caller's failing transaction anyway).
 */
export async function requireActiveAdmission(
  tx: DbOrTx,
  communityId: string,
  merchantId: string,
  now: Date,
): Promise<void> {
  const [row] = await tx
    .select({
      id: admissions.id,
      status: admissions.status,
      permit: merchants.foodPermitExpiresOn,
      pass: merchants.vehiclePassExpiresOn,
    })
    .from(admissions)
    .innerJoin(merchants, eq(merchants.id, admissions.merchantId))
    .where(and(eq(admissions.communityId, communityId), eq(admissions.merchantId, merchantId)));
  if (!row) {
    throw preconditionFailed('ADMISSION_NOT_APPROVED', '该商家尚未获准在本小区经营 / This merchant is not admitted to this compound.');
  }
  const today = shanghaiDate(now);
  const lapsed = (d: string | null) => d !== null && d < today;
  if (row.status === 'approved' && (lapsed(row.permit) || lapsed(row.pass))) {
    throw preconditionFailed(
      'ADMISSION_EXPIRED',
      '商家证照已过期，暂停接单 / The merchant’s permit has expired; it cannot take orders until renewed.',
    );
  }
  if (row.status === 'expired') {
    throw preconditionFailed('ADMISSION_EXPIRED', '商家证照已过期，暂停接单 / The merchant’s permit has expired; it cannot take orders until renewed.');
  }
  if (row.status === 'suspended') {
    throw preconditionFailed('ADMISSION_SUSPENDED', '商家已被暂停 / This merchant is suspended in this compound.');
  }
  if (row.status !== 'approved') {
    throw preconditionFailed('ADMISSION_NOT_APPROVED', '该商家尚未获准在本小区经营 / This merchant is not admitted to this compound.');
  }
}
