import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { merchants } from '@/db/schema';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { FormText, MerchantRef } from './fields';
import { checkField, FIELD_ERROR_MESSAGES, MERCHANT_KINDS, type ApplicationField } from './rules';
import { applicationData, loadMerchant, recordApplicationChange, requireMerchantRole } from './scope';
import { resubmitRenewedAdmissions } from './transition';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

export const UpdateApplicationInput = MerchantRef.extend({
  patch: z
    .object({
      legalName: FormText,
      displayName: FormText,
      kind: z.enum(MERCHANT_KINDS).optional(),
      creditCode: FormText,
      contactName: FormText,
      contactPhone: FormText,
      foodPermitNo: FormText,
      foodPermitExpiresOn: FormText,
      vehiclePlate: FormText,
      driverName: FormText,
      driverPhone: FormText,
      vehiclePassExpiresOn: FormText,
    })
    .strict(),
});
export type UpdateApplicationInput = z.infer<typeof UpdateApplicationInput>;

/**
 * Saves part of the application as the applicant goes (one field per blur, or several). Every
 * field given is validated; one wrong field refuses the whole patch with that field named, so
 * nothing is half-saved and a draft never holds a value that would fail later.
 * Renewing a lapsed permit or pass (a new date) may send an expired admission back to review.
 */
export async function updateApplication({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateApplicationInput;
}) {
  await requireMerchantRole(ctx, input.merchantId, ['owner']);
  const user = ctx.user!;
  const now = ctx.now();
  const today = localDate(now);
  const set: Partial<Record<ApplicationField, string | null>> = {};
  for (const [field, raw] of Object.entries(input.patch) as [ApplicationField, string | null | undefined][]) {
    if (raw === undefined) continue;
    if (field === 'kind') {
      set.kind = raw;
      continue;
    }
    if (field === 'legalName' || field === 'displayName') {
      // Not nullable in the table: an empty name is stored as '' and reported missing on submit.
      const r = checkField(field, raw, today);
      if (!r.ok) throw badRequest(r.code, FIELD_ERROR_MESSAGES[r.code], { field });
      set[field] = r.value ?? '';
      continue;
    }
    const r = checkField(field, raw, today);
    if (!r.ok) throw badRequest(r.code, FIELD_ERROR_MESSAGES[r.code], { field });
    set[field] = r.value;
  }
  return inTransaction(ctx.db, async (tx) => {
    const before = applicationData(await loadMerchant(tx, input.merchantId));
    const changed = (Object.keys(set) as ApplicationField[]).filter((f) => before[f] !== set[f]);
    if (changed.length === 0) return { application: before, changed: [], renewed: 0 };
    const [row] = await tx
      .update(merchants)
      .set({ ...(set as Partial<typeof merchants.$inferInsert>), updatedAt: now })
      .where(eq(merchants.id, input.merchantId))
      .returning();
    await writeGlobalAudit(tx, {
      actorUserId: user.id,
      action: 'merchant.application_updated',
      entityType: 'merchant',
      entityId: input.merchantId,
      before: Object.fromEntries(changed.map((f) => [f, before[f]])),
      after: Object.fromEntries(changed.map((f) => [f, set[f]])),
    });
    await recordApplicationChange(tx, { ...ctx, user }, input.merchantId, changed);
    const renewed = changed.some((f) => f === 'foodPermitExpiresOn' || f === 'vehiclePassExpiresOn')
      ? await resubmitRenewedAdmissions(tx, input.merchantId, user.id, now)
      : [];
    return { application: applicationData(row!), changed, renewed: renewed.length };
  });
}
