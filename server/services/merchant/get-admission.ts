import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { admissions, auditLog, users } from '@/db/schema';
import { COORDINATOR_ROLES, requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { AdmissionRef } from './fields';
import { computeChecklist, effectiveStatus, expiresWithin, missingForSubmit } from './rules';
import { applicationData, attestationsOf, currentDocuments, loadMerchant } from './scope';
import { ADMISSION_NOT_FOUND, type AdmissionRow } from './transition';
import { publicDocument } from './upload-merchant-document';
import { EXPIRING_WITHIN_DAYS } from './list-admissions';
import { localDate } from '@/server/services/shared/time';

export const GetAdmissionInput = AdmissionRef;
export type GetAdmissionInput = z.infer<typeof GetAdmissionInput>;

/**
 * One application as a coordinator reviews it: the merchant's data (phones in full: coordinators
 * are the people allowed to see them), documents with inline URLs, attestations, the computed
 * checklist, what the merchant changed since the last decision, and the decision history.
 */
export async function getAdmission({ ctx, input }: { ctx: ServiceContext; input: GetAdmissionInput }) {
  await requireRole(ctx, input.communityId, COORDINATOR_ROLES);
  const now = ctx.now();
  const today = localDate(now);
  const [row] = (await ctx.db
    .select()
    .from(admissions)
    .where(
      and(eq(admissions.communityId, input.communityId), eq(admissions.id, input.admissionId)),
    )) as AdmissionRow[];
  // A draft was never sent to this compound: it does not exist for its coordinators.
  if (!row || row.status === 'draft') throw ADMISSION_NOT_FOUND();
  const [merchant, docs, atts, history] = await Promise.all([
    loadMerchant(ctx.db, row.merchantId),
    currentDocuments(ctx.db, row.merchantId),
    attestationsOf(ctx.db, row.merchantId),
    ctx.db
      .select({
        id: auditLog.id,
        action: auditLog.action,
        at: auditLog.at,
        before: auditLog.before,
        after: auditLog.after,
        actorName: users.name,
      })
      .from(auditLog)
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(
        and(
          eq(auditLog.communityId, input.communityId),
          eq(auditLog.entityType, 'admission'),
          eq(auditLog.entityId, input.admissionId),
        ),
      )
      .orderBy(asc(auditLog.at), asc(auditLog.id)),
  ]);
  const app = applicationData(merchant);
  const summaries = docs.map((d) => ({ kind: d.kind, createdAt: d.createdAt }));
  const attData = atts.map((a) => ({ personName: a.personName, lastNegativeTestOn: a.lastNegativeTestOn }));
  const status = effectiveStatus(row.status, app.foodPermitExpiresOn, app.vehiclePassExpiresOn, today);
  return {
    admission: {
      id: row.id,
      communityId: row.communityId,
      merchantId: row.merchantId,
      status,
      storedStatus: row.status,
      reason: row.reason,
      fieldRequests: row.fieldRequests,
      changedFields: row.changedFields,
      submittedAt: row.submittedAt,
      decidedAt: row.decidedAt,
      expiredAt: row.expiredAt,
      expiringSoon:
        status === 'approved' &&
        expiresWithin(app.foodPermitExpiresOn, app.vehiclePassExpiresOn, today, EXPIRING_WITHIN_DAYS),
    },
    merchant: { id: merchant.id, ...app },
    documents: docs.map(publicDocument),
    attestations: atts.map((a) => ({
      id: a.id,
      personName: a.personName,
      lastNegativeTestOn: a.lastNegativeTestOn,
    })),
    checklist: computeChecklist(app, summaries, attData, now),
    missing: missingForSubmit(app, summaries, attData, today),
    history,
    today,
  };
}
