import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { admissions, merchants } from '@/db/schema';
import { preconditionFailed } from '@/server/services/shared/errors';
import { isLapsed } from './rules';
import { localDate } from '@/server/services/shared/time';

const NOT_APPROVED = () =>
  preconditionFailed(
    'ADMISSION_NOT_APPROVED',
    '该商家尚未获准在本小区经营 / This merchant is not admitted to this compound.',
  );
const EXPIRED = () =>
  preconditionFailed(
    'ADMISSION_EXPIRED',
    '商家证照已过期，暂停接单 / The merchant’s permit has expired; it cannot take orders until renewed.',
  );
const SUSPENDED = () =>
  preconditionFailed('ADMISSION_SUSPENDED', '商家已被暂停 / This merchant is suspended in this compound.');

/** The same refusals, by code, for the join's SQL function (server/services/relay/join-relay.ts). */
export const ADMISSION_REFUSALS = {
  ADMISSION_NOT_APPROVED: NOT_APPROVED,
  ADMISSION_EXPIRED: EXPIRED,
  ADMISSION_SUSPENDED: SUSPENDED,
} as const;

/**
 * The check every relay opening and every join runs: the merchant is admitted to the compound and
 * its food permit and vehicle pass are still valid today. A document past its date refuses the sale
 * at once, even before the timed job has flipped the admission to `expired` (that write would be
 * rolled back with the caller's failing transaction anyway).
 *
 * The admission row is read FOR SHARE: a coordinator's suspend (an UPDATE of that row) waits for
 * joins already past this check to commit, and every join after the suspend sees it. Shared locks
 * do not block each other, so concurrent joins of one relay do not queue here.
 */
export async function requireActiveAdmission(
  tx: DbOrTx,
  communityId: string,
  merchantId: string,
  now: Date,
): Promise<void> {
  const [row] = await tx
    .select({
      status: admissions.status,
      permit: merchants.foodPermitExpiresOn,
      pass: merchants.vehiclePassExpiresOn,
    })
    .from(admissions)
    .innerJoin(merchants, eq(merchants.id, admissions.merchantId))
    .where(and(eq(admissions.communityId, communityId), eq(admissions.merchantId, merchantId)))
    .for('share', { of: admissions });
  if (!row) throw NOT_APPROVED();
  switch (row.status) {
    case 'approved': {
      const today = localDate(now);
      if (isLapsed(row.permit, today) || isLapsed(row.pass, today)) throw EXPIRED();
      return;
    }
    case 'expired':
      throw EXPIRED();
    case 'suspended':
      throw SUSPENDED();
    default:
      throw NOT_APPROVED();
  }
}
