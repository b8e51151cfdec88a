import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { admissions, communities } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { MerchantRef } from './fields';
import { effectiveStatus, isLapsed, missingForSubmit } from './rules';
import {
  applicationData,
  attestationsOf,
  currentDocuments,
  loadMerchant,
  requireMerchantRole,
} from './scope';
import { publicDocument } from './upload-merchant-document';
import { localDate } from '@/server/services/shared/time';

export const GetApplicationInput = MerchantRef;
export type GetApplicationInput = z.infer<typeof GetApplicationInput>;

/**
 * The merchant's own view: the application, its documents and attestations, what a submission
 * still lacks, and per compound the status, the reason of a decision and each field a coordinator
 * asked to change.
 */
export async function getApplication({ ctx, input }: { ctx: ServiceContext; input: GetApplicationInput }) {
  const myRole = await requireMerchantRole(ctx, input.merchantId);
  const now = ctx.now();
  const today = localDate(now);
  const [merchant, docs, atts, adms] = await Promise.all([
    loadMerchant(ctx.db, input.merchantId),
    currentDocuments(ctx.db, input.merchantId),
    attestationsOf(ctx.db, input.merchantId),
    ctx.db
      .select({
        id: admissions.id,
        communityId: admissions.communityId,
        communityName: communities.name,
        district: communities.district,
        status: admissions.status,
        reason: admissions.reason,
        fieldRequests: admissions.fieldRequests,
        submittedAt: admissions.submittedAt,
        decidedAt: admissions.decidedAt,
        expiredAt: admissions.expiredAt,
      })
      .from(admissions)
      .innerJoin(communities, eq(communities.id, admissions.communityId))
      .where(and(eq(admissions.merchantId, input.merchantId)))
      .orderBy(asc(communities.name)),
  ]);
  const app = applicationData(merchant);
  const missing = missingForSubmit(
    app,
    docs.map((d) => ({ kind: d.kind, createdAt: d.createdAt })),
    atts.map((a) => ({ personName: a.personName, lastNegativeTestOn: a.lastNegativeTestOn })),
    today,
  );
  return {
    merchant: { id: merchant.id, ...app, createdAt: merchant.createdAt, updatedAt: merchant.updatedAt },
    myRole,
    today,
    documents: docs.map(publicDocument),
    attestations: atts.map((a) => ({
      id: a.id,
      personName: a.personName,
      lastNegativeTestOn: a.lastNegativeTestOn,
    })),
    missing,
    lapsed: {
      foodPermit: isLapsed(app.foodPermitExpiresOn, today),
      vehiclePass: isLapsed(app.vehiclePassExpiresOn, today),
    },
    admissions: adms.map((a) => ({
      ...a,
      effectiveStatus: effectiveStatus(a.status, app.foodPermitExpiresOn, app.vehiclePassExpiresOn, today),
    })),
  };
}
