import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { admissions, merchants } from '@/db/schema';
import { CommunityId } from '@/server/services/shared/zod';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { effectiveStatus, expiresWithin, type AdmissionStatus } from './rules';
import { localDate } from '@/server/services/shared/time';

const ADMISSION_FILTERS = [
  'submitted',
  'changes_requested',
  'approved',
  'rejected',
  'suspended',
  'expired',
  'expiring',
  'all',
] as const;
type AdmissionFilter = (typeof ADMISSION_FILTERS)[number];

export const ListAdmissionsInput = z.object({
  communityId: CommunityId,
  filter: z.enum(ADMISSION_FILTERS).default('submitted'),
});
export type ListAdmissionsInput = z.infer<typeof ListAdmissionsInput>;

/** Days ahead the "expiring" filter looks. */
export const EXPIRING_WITHIN_DAYS = 7;

/**
 * The coordinators' review queue for one compound, with a count per filter for the tabs.
 * Drafts are not shown (nothing was sent). Statuses are the effective ones: an approved merchant
 * whose permit lapsed today is listed as expired, even before the timed job has written it.
 * A compound sees tens of merchants, not thousands: filtering happens after one indexed read.
 */
export async function listAdmissions({ ctx, input }: { ctx: ServiceContext; input: ListAdmissionsInput }) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const today = localDate(ctx.now());
  const rows = await ctx.db
    .select({
      id: admissions.id,
      merchantId: admissions.merchantId,
      status: admissions.status,
      submittedAt: admissions.submittedAt,
      decidedAt: admissions.decidedAt,
      expiredAt: admissions.expiredAt,
      changedFields: admissions.changedFields,
      reason: admissions.reason,
      displayName: merchants.displayName,
      legalName: merchants.legalName,
      kind: merchants.kind,
      foodPermitExpiresOn: merchants.foodPermitExpiresOn,
      vehiclePassExpiresOn: merchants.vehiclePassExpiresOn,
      updatedAt: admissions.updatedAt,
    })
    .from(admissions)
    .innerJoin(merchants, eq(merchants.id, admissions.merchantId))
    .where(and(eq(admissions.communityId, input.communityId), ne(admissions.status, 'draft')))
    .orderBy(desc(admissions.updatedAt));
  const items = rows.map((r) => {
    const status = effectiveStatus(r.status, r.foodPermitExpiresOn, r.vehiclePassExpiresOn, today);
    const expiringSoon =
      status === 'approved' &&
      expiresWithin(r.foodPermitExpiresOn, r.vehiclePassExpiresOn, today, EXPIRING_WITHIN_DAYS);
    return {
      ...r,
      storedStatus: r.status,
      status,
      expiringSoon,
      /** Cannot sell right now although it was admitted once: shown flagged to coordinators. */
      flagged: status === 'expired' || status === 'suspended',
    };
  });
  const matches = (f: AdmissionFilter, i: (typeof items)[number]) =>
    f === 'all' ? true : f === 'expiring' ? i.expiringSoon : i.status === (f as AdmissionStatus);
  const counts = Object.fromEntries(
    ADMISSION_FILTERS.map((f) => [f, items.filter((i) => matches(f, i)).length]),
  ) as Record<AdmissionFilter, number>;
  return { items: items.filter((i) => matches(input.filter, i)), counts, today };
}
