import { asc, eq, inArray } from 'drizzle-orm';
import { admissions, communities, merchantMembers, merchants } from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { effectiveStatus } from './rules';
import { localDate } from '@/server/services/shared/time';

/** The merchants the caller belongs to, with each compound's status: the merchant's home screen. */
export async function listMyMerchants({ ctx }: { ctx: ServiceContext; input?: undefined }) {
  requireUser(ctx);
  const today = localDate(ctx.now());
  const mine = await ctx.db
    .select({
      id: merchants.id,
      displayName: merchants.displayName,
      legalName: merchants.legalName,
      kind: merchants.kind,
      role: merchantMembers.role,
      permit: merchants.foodPermitExpiresOn,
      pass: merchants.vehiclePassExpiresOn,
      createdAt: merchants.createdAt,
    })
    .from(merchantMembers)
    .innerJoin(merchants, eq(merchants.id, merchantMembers.merchantId))
    .where(eq(merchantMembers.userId, ctx.user.id))
    .orderBy(asc(merchants.createdAt));
  if (mine.length === 0) return [];
  const adms = await ctx.db
    .select({
      merchantId: admissions.merchantId,
      admissionId: admissions.id,
      communityId: admissions.communityId,
      communityName: communities.name,
      status: admissions.status,
    })
    .from(admissions)
    .innerJoin(communities, eq(communities.id, admissions.communityId))
    .where(
      inArray(
        admissions.merchantId,
        mine.map((m) => m.id),
      ),
    )
    .orderBy(asc(communities.name));
  return mine.map((m) => ({
    id: m.id,
    displayName: m.displayName,
    legalName: m.legalName,
    kind: m.kind,
    role: m.role,
    admissions: adms
      .filter((a) => a.merchantId === m.id)
      .map((a) => ({
        admissionId: a.admissionId,
        communityId: a.communityId,
        communityName: a.communityName,
        status: effectiveStatus(a.status, m.permit, m.pass, today),
      })),
  }));
}
