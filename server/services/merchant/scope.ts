/**
 * Shared reads and scope checks of the merchant domain (not verbs: the verbs import these).
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  admissions,
  healthAttestations,
  memberships,
  merchantDocuments,
  merchantMembers,
  merchants,
} from '@/db/schema';
import { requireUser } from '@/server/services/shared/access';
import type { AuthedContext, ServiceContext } from '@/server/services/shared/context';
import { forbidden, notFound } from '@/server/services/shared/errors';
import { writeAudit } from '@/server/services/shared/audit';
import { notifyUsers } from '@/server/services/shared/notify';
import type { ApplicationData, AttestationData, DocumentSummary, FormField } from './rules';

type MerchantRole = 'owner' | 'staff';

const MERCHANT_NOT_FOUND = () => notFound('MERCHANT_NOT_FOUND', '找不到该商家 / Merchant not found.');

/**
 * The caller's role in a merchant. Not a member: NOT_FOUND (a merchant's existence is nobody
 * else's business). A member without one of `roles`: FORBIDDEN, with a reason they can act on.
 */
export async function requireMerchantRole(
  ctx: ServiceContext,
  merchantId: string,
  roles: readonly MerchantRole[] = ['owner', 'staff'],
): Promise<MerchantRole> {
  requireUser(ctx);
  const [m] = await ctx.db
    .select({ role: merchantMembers.role })
    .from(merchantMembers)
    .where(and(eq(merchantMembers.merchantId, merchantId), eq(merchantMembers.userId, ctx.user.id)));
  if (!m) throw MERCHANT_NOT_FOUND();
  if (!roles.includes(m.role)) {
    throw forbidden(
      'MERCHANT_OWNER_REQUIRED',
      '只有店主可以进行此操作 / Only the merchant’s owner can do this.',
    );
  }
  return m.role;
}

export async function loadMerchant(db: DbOrTx, merchantId: string) {
  const [m] = await db.select().from(merchants).where(eq(merchants.id, merchantId));
  if (!m) throw MERCHANT_NOT_FOUND();
  return m;
}

export function applicationData(m: typeof merchants.$inferSelect): ApplicationData {
  return {
    legalName: m.legalName,
    displayName: m.displayName,
    kind: m.kind,
    creditCode: m.creditCode,
    contactName: m.contactName,
    contactPhone: m.contactPhone,
    foodPermitNo: m.foodPermitNo,
    foodPermitExpiresOn: m.foodPermitExpiresOn,
    vehiclePlate: m.vehiclePlate,
    driverName: m.driverName,
    driverPhone: m.driverPhone,
    vehiclePassExpiresOn: m.vehiclePassExpiresOn,
  };
}

/** Current (not removed) documents of a merchant, oldest first. */
export async function currentDocuments(db: DbOrTx, merchantId: string) {
  return db
    .select()
    .from(merchantDocuments)
    .where(and(eq(merchantDocuments.merchantId, merchantId), isNull(merchantDocuments.supersededAt)))
    .orderBy(asc(merchantDocuments.createdAt), asc(merchantDocuments.id));
}

export async function attestationsOf(db: DbOrTx, merchantId: string) {
  return db
    .select()
    .from(healthAttestations)
    .where(eq(healthAttestations.merchantId, merchantId))
    .orderBy(asc(healthAttestations.createdAt), asc(healthAttestations.id));
}

type ReviewInputs = {
  app: ApplicationData;
  documents: DocumentSummary[];
  attestations: AttestationData[];
};

export async function reviewInputs(
  db: DbOrTx,
  merchantId: string,
): Promise<ReviewInputs & { merchant: typeof merchants.$inferSelect }> {
  const [merchant, docs, atts] = await Promise.all([
    loadMerchant(db, merchantId),
    currentDocuments(db, merchantId),
    attestationsOf(db, merchantId),
  ]);
  return {
    merchant,
    app: applicationData(merchant),
    documents: docs.map((d) => ({ kind: d.kind, createdAt: d.createdAt })),
    attestations: atts.map((a) => ({ personName: a.personName, lastNegativeTestOn: a.lastNegativeTestOn })),
  };
}

export async function memberUserIds(db: DbOrTx, merchantId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: merchantMembers.userId })
    .from(merchantMembers)
    .where(eq(merchantMembers.merchantId, merchantId));
  return rows.map((r) => r.userId);
}

export async function coordinatorUserIds(db: DbOrTx, communityId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.communityId, communityId), inArray(memberships.role, ['admin', 'owner'])));
  return rows.map((r) => r.userId);
}

/**
 * After the merchant changes its application: every compound that already looked at it (any status
 * but draft) records which fields changed since its last decision, and its coordinators are told
 * once — on the first change after a decision, not on every keystroke saved.
 */
export async function recordApplicationChange(
  tx: DbOrTx,
  ctx: AuthedContext,
  merchantId: string,
  fields: readonly FormField[],
): Promise<void> {
  if (fields.length === 0) return;
  const rows = await tx
    .select({
      communityId: admissions.communityId,
      id: admissions.id,
      status: admissions.status,
      changedFields: admissions.changedFields,
    })
    .from(admissions)
    .where(
      and(
        eq(admissions.merchantId, merchantId),
        inArray(admissions.status, ['submitted', 'changes_requested', 'approved', 'suspended', 'expired']),
      ),
    )
    .for('update');
  for (const a of rows) {
    const merged = [...new Set([...a.changedFields, ...fields])].sort();
    if (merged.length === a.changedFields.length) continue;
    await tx
      .update(admissions)
      .set({ changedFields: merged, updatedAt: ctx.now() })
      .where(and(eq(admissions.communityId, a.communityId), eq(admissions.id, a.id)));
    if (a.changedFields.length === 0 && (a.status === 'approved' || a.status === 'suspended')) {
      await writeAudit(tx, {
        communityId: a.communityId,
        actorUserId: ctx.user.id,
        action: 'admission.application_changed',
        entityType: 'admission',
        entityId: a.id,
        after: { fields: merged },
      });
      const coordinators = await coordinatorUserIds(tx, a.communityId);
      await notifyUsers(
        tx,
        coordinators.map((userId) => ({
          communityId: a.communityId,
          userId,
          kind: 'admission.application_changed',
          payload: {
            admissionId: a.id,
            merchantId,
            fields: merged,
            href: `/c/${a.communityId}/admissions/${a.id}`,
          },
        })),
      );
    }
  }
}
