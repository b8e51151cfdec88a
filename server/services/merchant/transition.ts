/**
 * The one way an admission changes state. Every decision verb (approve, request changes, reject,
 * suspend, reinstate), the submission, the renewal and the expiry job go through `transitionAdmission`:
 * it locks the row, checks the state it leaves against ADMISSION_TRANSITIONS, writes with a guarded
 * UPDATE (… WHERE status IN (from)), the audit row and the notifications, all in the caller's
 * transaction. Two coordinators deciding at once: one wins, the other gets PRECONDITION_FAILED.
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { admissions, communities, merchantDocuments, merchants } from '@/db/schema';
import { writeAudit } from '@/server/services/shared/audit';
import { notFound, preconditionFailed } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import {
  ADMISSION_TRANSITIONS,
  canTransition,
  illegalTransition,
  isLapsed,
  REQUIRED_DOCUMENT_KINDS,
  type AdmissionAction,
  type AdmissionStatus,
} from './rules';
import { coordinatorUserIds, memberUserIds, reviewInputs } from './scope';
import { localDate } from '@/server/services/shared/time';

export type AdmissionRow = typeof admissions.$inferSelect;

export const ADMISSION_NOT_FOUND = () =>
  notFound('ADMISSION_NOT_FOUND', '找不到该申请 / Application not found.');

type TransitionArgs = {
  communityId: string;
  admissionId: string;
  action: AdmissionAction;
  actorUserId: string | null;
  now: Date;
  /** Columns to set besides the status. */
  set?: Partial<
    Pick<
      AdmissionRow,
      'reason' | 'fieldRequests' | 'submittedAt' | 'decidedBy' | 'decidedAt' | 'expiredAt' | 'changedFields'
    >
  >;
  /** Extra checks on the locked row, after the state check (e.g. documents still valid). */
  check?: (row: AdmissionRow) => Promise<void> | void;
  /** Who is told: the merchant's members (decisions) or the compound's coordinators (submissions). */
  notify: 'merchant' | 'coordinators';
  /** Extra audit / notification payload. */
  payload?: Record<string, unknown>;
};

/** Locks the admission and returns it; NOT_FOUND when it is not in this compound. */
export async function lockAdmission(
  tx: DbOrTx,
  communityId: string,
  admissionId: string,
): Promise<AdmissionRow> {
  const [row] = await tx
    .select()
    .from(admissions)
    .where(and(eq(admissions.communityId, communityId), eq(admissions.id, admissionId)))
    .for('update');
  if (!row) throw ADMISSION_NOT_FOUND();
  return row;
}

export async function transitionAdmission(tx: DbOrTx, args: TransitionArgs): Promise<AdmissionRow> {
  const { communityId, admissionId, action, now } = args;
  const before = await lockAdmission(tx, communityId, admissionId);
  if (!canTransition(action, before.status)) {
    const { code, message } = illegalTransition(action, before.status);
    throw preconditionFailed(code, message, { details: { action, from: before.status } });
  }
  await args.check?.(before);
  const to = ADMISSION_TRANSITIONS[action].to;
  const [after] = await tx
    .update(admissions)
    .set({ status: to, ...args.set, updatedAt: now })
    .where(
      and(
        eq(admissions.communityId, communityId),
        eq(admissions.id, admissionId),
        inArray(admissions.status, [...ADMISSION_TRANSITIONS[action].from] as AdmissionStatus[]),
      ),
    )
    .returning();
  if (!after) {
    // Unreachable under the row lock; kept so a future caller without the lock still cannot skip the guard.
    const { code, message } = illegalTransition(action, before.status);
    throw preconditionFailed(code, message);
  }
  await writeAudit(tx, {
    communityId,
    actorUserId: args.actorUserId,
    action: `admission.${action}`,
    entityType: 'admission',
    entityId: admissionId,
    before: { status: before.status, reason: before.reason, fieldRequests: before.fieldRequests },
    after: {
      status: after.status,
      reason: after.reason,
      fieldRequests: after.fieldRequests,
      ...args.payload,
    },
  });
  const recipients =
    args.notify === 'merchant'
      ? await memberUserIds(tx, after.merchantId)
      : await coordinatorUserIds(tx, communityId);
  const [names] = await tx
    .select({
      merchantName: merchants.displayName,
      legalName: merchants.legalName,
      communityName: communities.name,
    })
    .from(merchants)
    .innerJoin(communities, eq(communities.id, communityId))
    .where(eq(merchants.id, after.merchantId));
  await notifyUsers(
    tx,
    recipients.map((userId) => ({
      communityId,
      userId,
      kind: `admission.${to}`,
      payload: {
        admissionId,
        merchantId: after.merchantId,
        merchantName: names?.merchantName || names?.legalName || '',
        communityName: names?.communityName ?? '',
        status: to,
        reason: after.reason ?? '',
        fieldRequests: after.fieldRequests,
        // Where the notice leads: the merchant's status page, or the coordinator's review page.
        href:
          args.notify === 'merchant'
            ? `/m/${after.merchantId}`
            : `/c/${communityId}/admissions/${admissionId}`,
        ...args.payload,
      },
    })),
  );
  return after;
}

/**
 * The merchant's papers are complete and in date right now: the three required documents are on
 * file and neither the food permit nor the vehicle pass has lapsed. Approving or reinstating
 * anything less would hand out an admission the relay guard refuses at once.
 */
export async function requireValidPapers(tx: DbOrTx, merchantId: string, now: Date): Promise<void> {
  const { app, documents } = await reviewInputs(tx, merchantId);
  const today = localDate(now);
  const missing = REQUIRED_DOCUMENT_KINDS.filter((k) => !documents.some((d) => d.kind === k));
  if (missing.length > 0) {
    throw preconditionFailed(
      'ADMISSION_DOCUMENTS_MISSING',
      '商家的证件不全（营业执照、食品经营许可证、车辆通行证），请先要求补充 / The merchant’s documents are incomplete (business licence, food permit, vehicle pass); request them first.',
      { details: { missing } },
    );
  }
  if (!app.foodPermitExpiresOn || !app.vehiclePassExpiresOn) {
    throw preconditionFailed(
      'ADMISSION_DOCUMENTS_MISSING',
      '缺少证照有效期 / The expiry dates of the permit or the pass are missing.',
    );
  }
  if (isLapsed(app.foodPermitExpiresOn, today) || isLapsed(app.vehiclePassExpiresOn, today)) {
    throw preconditionFailed(
      'ADMISSION_DOCUMENTS_EXPIRED',
      '商家的食品经营许可证或车辆通行证已过期，需先续期 / The merchant’s food permit or vehicle pass has expired; it must be renewed first.',
    );
  }
}

/**
 * Renewal (续期): an expired admission goes back to review once the merchant has put in date again
 * whatever had lapsed AND uploaded a new permit or pass document since it expired. Called after every
 * change that could complete a renewal (a new date, a new document) and by an explicit submit.
 * Returns the admissions it sent back.
 */
export async function resubmitRenewedAdmissions(
  tx: DbOrTx,
  merchantId: string,
  actorUserId: string,
  now: Date,
): Promise<AdmissionRow[]> {
  const expired = await tx
    .select()
    .from(admissions)
    .where(and(eq(admissions.merchantId, merchantId), eq(admissions.status, 'expired')));
  if (expired.length === 0) return [];
  const { app, documents } = await reviewInputs(tx, merchantId);
  const today = localDate(now);
  const inDate =
    !!app.foodPermitExpiresOn &&
    !!app.vehiclePassExpiresOn &&
    !isLapsed(app.foodPermitExpiresOn, today) &&
    !isLapsed(app.vehiclePassExpiresOn, today) &&
    REQUIRED_DOCUMENT_KINDS.every((k) => documents.some((d) => d.kind === k));
  if (!inDate) return [];
  const sent: AdmissionRow[] = [];
  for (const a of expired) {
    const since = a.expiredAt ?? a.updatedAt;
    const [renewedDoc] = await tx
      .select({ id: merchantDocuments.id })
      .from(merchantDocuments)
      .where(
        and(
          eq(merchantDocuments.merchantId, merchantId),
          inArray(merchantDocuments.kind, ['food_permit', 'vehicle_pass']),
          gt(merchantDocuments.createdAt, since),
          isNull(merchantDocuments.supersededAt),
        ),
      )
      .limit(1);
    if (!renewedDoc) continue;
    sent.push(
      await transitionAdmission(tx, {
        communityId: a.communityId,
        admissionId: a.id,
        action: 'renew',
        actorUserId,
        now,
        set: { submittedAt: now },
        notify: 'coordinators',
      }),
    );
  }
  return sent;
}
