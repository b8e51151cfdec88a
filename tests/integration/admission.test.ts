/**
 * Admission (核查准入): every transition of DESIGN.md §4 and every illegal one, the audit rows and
 * notifications each decision writes, per-compound independence, expiry and renewal, the guard the
 * relays rely on, the review queue, and the refusals of each procedure.
 */
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { admissions, auditLog, merchants, notifications } from '@/db/schema';
import { requireActiveAdmission } from '@/server/services/merchant/admission-guard';
import { expireAdmissions } from '@/server/services/merchant/expire-admissions';
import { ADMISSION_STATUSES, type AdmissionStatus } from '@/server/services/merchant/rules';
import { ServiceError } from '@/server/services/shared/errors';
import { admissionExpiryJob } from '@/server/jobs/admission-expiry';
import { JOBS } from '@/server/jobs';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, makeUser, type TestCommunity } from '@/tests/helpers/fixtures';
import {
  COMPLETE_FIELDS,
  makeApplication,
  TestClock,
  uploadDoc,
  useTempFileStorage,
} from '@/tests/helpers/merchant-fixtures';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
let A: TestCommunity;
let B: TestCommunity;
let roles: Awaited<ReturnType<typeof makeRoleUsers>>;
let rolesB: Awaited<ReturnType<typeof makeRoleUsers>>;
// 10:00 in Shanghai on 2026-04-10; permits in the fixtures run to June.
const clock = new TestClock(new Date('2026-04-10T02:00:00Z'));

beforeAll(async () => {
  database = await createTestDatabase();
  files = useTempFileStorage();
  A = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
    name: '钟楼新村',
  });
  B = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
    name: '东苑新村',
  });
  roles = await makeRoleUsers(database.db, A);
  rolesB = await makeRoleUsers(database.db, B);
});
afterAll(async () => {
  files.cleanup();
  await database.close();
});

async function caught(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
const appCode = (e: TRPCError) => (e.cause instanceof ServiceError ? e.cause.code : null);

const coordinator = () => callerFor(database, roles.admin, clock.now);

async function admissionOf(merchantId: string, communityId: string) {
  const [row] = await database.db
    .select()
    .from(admissions)
    .where(and(eq(admissions.merchantId, merchantId), eq(admissions.communityId, communityId)));
  return row!;
}

/** An application in compound A brought to `status` through the real verbs. */
async function inStatus(status: AdmissionStatus, communityId = A.id) {
  const app = await makeApplication(database, clock, {
    communityIds: [communityId],
    submit: status !== 'draft',
  });
  const id = (await admissionOf(app.merchantId, communityId)).id;
  const c = communityId === A.id ? coordinator() : callerFor(database, rolesB.admin, clock.now);
  const ref = { communityId, admissionId: id };
  switch (status) {
    case 'draft':
    case 'submitted':
      break;
    case 'changes_requested':
      await c.admission.requestChanges({ ...ref, fields: { creditCode: '与营业执照不一致' } });
      break;
    case 'approved':
      await c.admission.approve(ref);
      break;
    case 'rejected':
      await c.admission.reject({ ...ref, reason: '资质不符' });
      break;
    case 'suspended':
      await c.admission.approve(ref);
      await c.admission.suspend({ ...ref, reason: '群众投诉缺斤少两' });
      break;
    case 'expired':
      await c.admission.approve(ref);
      // The permit lapses: the merchant's stored date moves into the past (as time passing would).
      await database.db
        .update(merchants)
        .set({ foodPermitExpiresOn: '2026-04-09' })
        .where(eq(merchants.id, app.merchantId));
      await expireAdmissions({ db: database.db, input: { now: clock.now() } });
      break;
  }
  expect((await admissionOf(app.merchantId, communityId)).status).toBe(status);
  return { ...app, admissionId: id, ref };
}

async function notificationsFor(userId: string, communityId = A.id) {
  return database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.communityId, communityId)));
}

async function auditFor(admissionId: string) {
  return database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'admission'), eq(auditLog.entityId, admissionId)));
}

describe('the happy path: draft → submitted → changes_requested → submitted → approved', () => {
  it('walks every step, audits each one and tells the right people', async () => {
    const app = await makeApplication(database, clock, { communityIds: [A.id] });
    const owner = callerFor(database, app.owner, clock.now);
    const { id } = await admissionOf(app.merchantId, A.id);
    expect((await admissionOf(app.merchantId, A.id)).status).toBe('draft');

    // draft → submitted: the compound's coordinators hear of it
    const sub = await owner.merchant.submit({ merchantId: app.merchantId });
    expect(sub.submitted).toEqual([{ communityId: A.id, admissionId: id, status: 'submitted' }]);
    expect(
      (await notificationsFor(roles.admin.id)).some(
        (n) => n.kind === 'admission.submitted' && n.payload.admissionId === id,
      ),
    ).toBe(true);
    expect((await notificationsFor(roles.owner.id)).some((n) => n.kind === 'admission.submitted')).toBe(true);

    // submitted → changes_requested with a reason per field
    const ref = { communityId: A.id, admissionId: id };
    await coordinator().admission.requestChanges({
      ...ref,
      fields: {
        creditCode: '与营业执照上的代码不一致',
        'documents.food_permit': '照片模糊，请重拍',
        driverPhone: '  ',
      },
    });
    const asked = await admissionOf(app.merchantId, A.id);
    expect(asked.status).toBe('changes_requested');
    expect(asked.fieldRequests).toEqual({
      creditCode: '与营业执照上的代码不一致',
      'documents.food_permit': '照片模糊，请重拍',
    });
    const ownerNotes = await notificationsFor(app.owner.id);
    expect(
      ownerNotes.find((n) => n.kind === 'admission.changes_requested')?.payload.fieldRequests,
    ).toMatchObject({
      creditCode: '与营业执照上的代码不一致',
    });
    // The merchant sees what was asked on its own page
    const mine = await owner.merchant.get({ merchantId: app.merchantId });
    expect(mine.admissions[0]).toMatchObject({
      status: 'changes_requested',
      fieldRequests: asked.fieldRequests,
    });

    // The merchant fixes both; the reviewer sees what changed since the request
    await owner.merchant.update({ merchantId: app.merchantId, patch: { creditCode: '91350100M000100Y43' } });
    await uploadDoc(database, app.owner, app.merchantId, 'food_permit', clock);
    expect((await admissionOf(app.merchantId, A.id)).changedFields).toEqual([
      'creditCode',
      'documents.food_permit',
    ]);
    await owner.merchant.submit({ merchantId: app.merchantId });
    const detail = await coordinator().admission.get(ref);
    expect(detail.admission.status).toBe('submitted');
    expect(detail.admission.changedFields).toEqual(['creditCode', 'documents.food_permit']);
    expect(detail.admission.fieldRequests).toEqual(asked.fieldRequests);
    expect(detail.checklist.every((i) => i.ok)).toBe(true);

    // submitted → approved: requests and change marks cleared, the merchant is told
    const approved = await coordinator().admission.approve(ref);
    expect(approved.status).toBe('approved');
    const row = await admissionOf(app.merchantId, A.id);
    expect(row).toMatchObject({
      status: 'approved',
      fieldRequests: {},
      changedFields: [],
      decidedBy: roles.admin.id,
    });
    expect((await notificationsFor(app.owner.id)).some((n) => n.kind === 'admission.approved')).toBe(true);
    await expect(
      requireActiveAdmission(database.db, A.id, app.merchantId, clock.now()),
    ).resolves.toBeUndefined();

    const audit = await auditFor(id);
    expect(audit.map((a) => a.action).sort()).toEqual(
      ['admission.submit', 'admission.requestChanges', 'admission.submit', 'admission.approve'].sort(),
    );
    const approveRow = audit.find((a) => a.action === 'admission.approve')!;
    expect(approveRow.actorUserId).toBe(roles.admin.id);
    expect(approveRow.before).toMatchObject({ status: 'submitted' });
    expect(approveRow.after).toMatchObject({ status: 'approved' });
    // and the history shows on the detail page, in order
    expect((await coordinator().admission.get(ref)).history.map((h) => h.action)).toEqual([
      'admission.submit',
      'admission.requestChanges',
      'admission.submit',
      'admission.approve',
    ]);
  });
});

describe('reject, suspend, reinstate', () => {
  it('rejects a submitted application with its reason, and one waiting for changes', async () => {
    const s = await inStatus('submitted');
    await coordinator().admission.reject({ ...s.ref, reason: '营业执照与申请主体不符' });
    expect(await admissionOf(s.merchantId, A.id)).toMatchObject({
      status: 'rejected',
      reason: '营业执照与申请主体不符',
    });
    const note = (await notificationsFor(s.owner.id)).find((n) => n.kind === 'admission.rejected');
    expect(note?.payload.reason).toBe('营业执照与申请主体不符');
    await expect(requireActiveAdmission(database.db, A.id, s.merchantId, clock.now())).rejects.toMatchObject({
      code: 'ADMISSION_NOT_APPROVED',
    });

    const c = await inStatus('changes_requested');
    await coordinator().admission.reject({ ...c.ref, reason: '多次未按要求补充材料' });
    expect((await admissionOf(c.merchantId, A.id)).status).toBe('rejected');
  });

  it('a reason is required to reject or suspend', async () => {
    const s = await inStatus('submitted');
    const e = await caught(coordinator().admission.reject({ ...s.ref, reason: '   ' }));
    expect(e.code).toBe('BAD_REQUEST');
    const a = await inStatus('approved');
    expect((await caught(coordinator().admission.suspend({ ...a.ref, reason: '' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await admissionOf(s.merchantId, A.id)).status).toBe('submitted');
    expect((await admissionOf(a.merchantId, A.id)).status).toBe('approved');
  });

  it('suspends an approved merchant (relays refused) and reinstates it (relays allowed again)', async () => {
    const a = await inStatus('approved');
    await coordinator().admission.suspend({ ...a.ref, reason: '群众投诉缺斤少两，暂停核查' });
    expect((await admissionOf(a.merchantId, A.id)).status).toBe('suspended');
    await expect(requireActiveAdmission(database.db, A.id, a.merchantId, clock.now())).rejects.toMatchObject({
      kind: 'PRECONDITION_FAILED',
      code: 'ADMISSION_SUSPENDED',
    });
    expect((await notificationsFor(a.owner.id)).some((n) => n.kind === 'admission.suspended')).toBe(true);

    await coordinator().admission.reinstate({ ...a.ref, note: '已核实整改' });
    expect(await admissionOf(a.merchantId, A.id)).toMatchObject({ status: 'approved', reason: null });
    await expect(
      requireActiveAdmission(database.db, A.id, a.merchantId, clock.now()),
    ).resolves.toBeUndefined();
    expect((await auditFor(a.admissionId)).map((r) => r.action)).toEqual(
      expect.arrayContaining(['admission.suspend', 'admission.reinstate']),
    );
  });

  it('will not approve or reinstate a merchant whose papers lapsed meanwhile', async () => {
    const s = await inStatus('submitted');
    await database.db
      .update(merchants)
      .set({ vehiclePassExpiresOn: '2026-04-01' })
      .where(eq(merchants.id, s.merchantId));
    const e = await caught(coordinator().admission.approve(s.ref));
    expect([e.code, appCode(e)]).toEqual(['PRECONDITION_FAILED', 'ADMISSION_DOCUMENTS_EXPIRED']);
    expect((await admissionOf(s.merchantId, A.id)).status).toBe('submitted');

    const su = await inStatus('suspended');
    await database.db
      .update(merchants)
      .set({ foodPermitExpiresOn: '2026-04-01' })
      .where(eq(merchants.id, su.merchantId));
    const r = await caught(coordinator().admission.reinstate(su.ref));
    expect(appCode(r)).toBe('ADMISSION_DOCUMENTS_EXPIRED');
    expect((await admissionOf(su.merchantId, A.id)).status).toBe('suspended');
  });

  it('will not approve when a required document was taken off the file', async () => {
    const s = await inStatus('submitted');
    const owner = callerFor(database, s.owner, clock.now);
    const docs = (await owner.merchant.get({ merchantId: s.merchantId })).documents;
    await owner.merchant.removeDocument({
      merchantId: s.merchantId,
      documentId: docs.find((d) => d.kind === 'vehicle_pass')!.id,
    });
    const e = await caught(coordinator().admission.approve(s.ref));
    expect(appCode(e)).toBe('ADMISSION_DOCUMENTS_MISSING');
  });
});

describe('every illegal transition answers PRECONDITION_FAILED and changes nothing', () => {
  const decisions = {
    approve: { allowed: ['submitted'], extra: {} },
    requestChanges: { allowed: ['submitted'], extra: { fields: { legalName: '请填写全称' } } },
    reject: { allowed: ['submitted', 'changes_requested'], extra: { reason: '不符合要求' } },
    suspend: { allowed: ['approved'], extra: { reason: '投诉' } },
    reinstate: { allowed: ['suspended'], extra: {} },
  } as const;
  const codes = {
    approve: 'ADMISSION_CANNOT_APPROVE',
    requestChanges: 'ADMISSION_CANNOT_REQUEST_CHANGES',
    reject: 'ADMISSION_CANNOT_REJECT',
    suspend: 'ADMISSION_CANNOT_SUSPEND',
    reinstate: 'ADMISSION_CANNOT_REINSTATE',
  } as const;

  for (const [action, { allowed, extra }] of Object.entries(decisions) as [
    keyof typeof decisions,
    (typeof decisions)[keyof typeof decisions],
  ][]) {
    const illegal = ADMISSION_STATUSES.filter((s) => !(allowed as readonly string[]).includes(s));
    it.each(illegal)(`${action} from %s`, async (from) => {
      const x = await inStatus(from);
      const before = await admissionOf(x.merchantId, A.id);
      const auditBefore = (await auditFor(x.admissionId)).length;
      const e = await caught(
        (coordinator().admission[action] as (i: unknown) => Promise<unknown>)({ ...x.ref, ...extra }),
      );
      expect(e.code).toBe('PRECONDITION_FAILED');
      expect(appCode(e)).toBe(codes[action]);
      expect(e.message).toMatch(/不能.*You cannot/);
      const after = await admissionOf(x.merchantId, A.id);
      expect(after.status).toBe(before.status);
      expect(after.updatedAt).toEqual(before.updatedAt);
      expect((await auditFor(x.admissionId)).length).toBe(auditBefore);
    });
  }

  it('a draft is not in the queue and its detail reads NOT_FOUND, but deciding on it says why not', async () => {
    const d = await inStatus('draft');
    expect((await caught(coordinator().admission.get(d.ref))).code).toBe('NOT_FOUND');
    const e = await caught(coordinator().admission.approve(d.ref));
    expect([e.code, appCode(e)]).toEqual(['PRECONDITION_FAILED', 'ADMISSION_CANNOT_APPROVE']);
    expect(e.message).toContain('草稿');
    expect(
      (await coordinator().admission.list({ communityId: A.id, filter: 'all' })).items.map((i) => i.id),
    ).not.toContain(d.admissionId);
    expect((await admissionOf(d.merchantId, A.id)).status).toBe('draft');
  });

  it('the transition functions themselves refuse approving a draft and reinstating a rejection', async () => {
    const { transitionAdmission } = await import('@/server/services/merchant/transition');
    const d = await inStatus('draft');
    await expect(
      database.db.transaction((tx) =>
        transitionAdmission(tx, {
          ...d.ref,
          action: 'approve',
          actorUserId: roles.admin.id,
          now: clock.now(),
          notify: 'merchant',
        }),
      ),
    ).rejects.toMatchObject({ kind: 'PRECONDITION_FAILED', code: 'ADMISSION_CANNOT_APPROVE' });
    const r = await inStatus('rejected');
    const e = await caught(coordinator().admission.reinstate(r.ref));
    expect(appCode(e)).toBe('ADMISSION_CANNOT_REINSTATE');
    expect(e.message).toContain('已拒绝');
  });

  it.each(['submitted', 'approved', 'rejected', 'suspended'] as const)(
    'the merchant cannot submit again while %s',
    async (from) => {
      const x = await inStatus(from);
      const e = await caught(
        callerFor(database, x.owner, clock.now).merchant.submit({ merchantId: x.merchantId }),
      );
      expect([e.code, appCode(e)]).toEqual(['PRECONDITION_FAILED', 'NOTHING_TO_SUBMIT']);
      expect((await admissionOf(x.merchantId, A.id)).status).toBe(from);
    },
  );

  it('two coordinators deciding at once: exactly one decision wins', async () => {
    const s = await inStatus('submitted');
    const other = callerFor(database, roles.owner, clock.now);
    const results = await Promise.allSettled([
      coordinator().admission.approve(s.ref),
      other.admission.reject({ ...s.ref, reason: '同时审核' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as TRPCError).code).toBe('PRECONDITION_FAILED');
    const final = (await admissionOf(s.merchantId, A.id)).status;
    expect(['approved', 'rejected']).toContain(final);
    expect((await auditFor(s.admissionId)).filter((a) => a.action !== 'admission.submit')).toHaveLength(1);
  });
});

describe('submission checks', () => {
  it('an incomplete application is refused field by field and nothing is submitted', async () => {
    const owner = await makeUser(database.db);
    const api = callerFor(database, owner, clock.now);
    const { merchantId } = await api.merchant.start({ requestId: crypto.randomUUID() });
    await api.merchant.update({
      merchantId,
      patch: { legalName: '朱泾农家合作社', displayName: '朱泾农家' },
    });
    await api.merchant.applyTo({ merchantId, communityIds: [A.id] });
    const e = await caught(api.merchant.submit({ merchantId }));
    expect([e.code, appCode(e)]).toEqual(['BAD_REQUEST', 'APPLICATION_INCOMPLETE']);
    const missing = (e.cause as ServiceError).details!.missing as Record<string, string>;
    expect(missing).toMatchObject({
      creditCode: 'REQUIRED',
      foodPermitExpiresOn: 'REQUIRED',
      'documents.business_licence': 'DOCUMENT_REQUIRED',
      healthAttestations: 'ATTESTATION_REQUIRED',
    });
    expect(missing.legalName).toBeUndefined();
    expect((await admissionOf(merchantId, A.id)).status).toBe('draft');
    // the status page shows the same list without trying
    expect((await api.merchant.get({ merchantId })).missing).toEqual(missing);
  });

  it('without a chosen compound there is nothing to submit to', async () => {
    const app = await makeApplication(database, clock);
    const e = await caught(
      callerFor(database, app.owner, clock.now).merchant.submit({ merchantId: app.merchantId }),
    );
    expect(appCode(e)).toBe('NO_COMMUNITY_SELECTED');
  });

  it('a permit that lapsed after it was typed blocks submission', async () => {
    const app = await makeApplication(database, clock, { communityIds: [A.id] });
    await database.db
      .update(merchants)
      .set({ foodPermitExpiresOn: '2026-04-09' })
      .where(eq(merchants.id, app.merchantId));
    const e = await caught(
      callerFor(database, app.owner, clock.now).merchant.submit({ merchantId: app.merchantId }),
    );
    expect(e.cause).toMatchObject({ code: 'APPLICATION_INCOMPLETE', field: 'foodPermitExpiresOn' });
  });
});

describe('the vehicle pass can follow the application', () => {
  it('submits with licence and permit only; approval waits for the pass, which the coordinator asks for', async () => {
    const owner = await makeUser(database.db);
    const api = callerFor(database, owner, clock.now);
    const { merchantId } = await api.merchant.start({ requestId: crypto.randomUUID() });
    const { vehiclePassExpiresOn: _later, ...fields } = COMPLETE_FIELDS();
    await api.merchant.update({ merchantId, patch: fields });
    await uploadDoc(database, owner, merchantId, 'business_licence', clock);
    await uploadDoc(database, owner, merchantId, 'food_permit', clock);
    await api.merchant.addAttestation({ merchantId, personName: '刘建军', lastNegativeTestOn: '2026-04-10' });
    await api.merchant.applyTo({ merchantId, communityIds: [A.id] });
    await api.merchant.submit({ merchantId });
    const { id } = await admissionOf(merchantId, A.id);
    const ref = { communityId: A.id, admissionId: id };

    const review = await coordinator().admission.get(ref);
    expect(review.checklist.find((c) => c.key === 'vehiclePass')).toMatchObject({
      ok: false,
      problem: 'MISSING',
    });
    const e = await caught(coordinator().admission.approve(ref));
    expect(appCode(e)).toBe('ADMISSION_DOCUMENTS_MISSING');

    await coordinator().admission.requestChanges({
      ...ref,
      fields: { 'documents.vehicle_pass': '请上传车辆通行证' },
    });
    await uploadDoc(database, owner, merchantId, 'vehicle_pass', clock);
    await api.merchant.update({ merchantId, patch: { vehiclePassExpiresOn: '2026-05-31' } });
    await api.merchant.submit({ merchantId });
    await coordinator().admission.approve(ref);
    await expect(requireActiveAdmission(database.db, A.id, merchantId, clock.now())).resolves.toBeUndefined();
  });
});

describe('each compound decides on its own', () => {
  it('approved in one, rejected in the other; the guard answers per compound', async () => {
    const app = await makeApplication(database, clock, { communityIds: [A.id, B.id], submit: true });
    const inA = await admissionOf(app.merchantId, A.id);
    const inB = await admissionOf(app.merchantId, B.id);
    expect([inA.status, inB.status]).toEqual(['submitted', 'submitted']);
    await coordinator().admission.approve({ communityId: A.id, admissionId: inA.id });
    await callerFor(database, rolesB.admin, clock.now).admission.reject({
      communityId: B.id,
      admissionId: inB.id,
      reason: '本小区已满',
    });
    expect((await admissionOf(app.merchantId, A.id)).status).toBe('approved');
    expect((await admissionOf(app.merchantId, B.id)).status).toBe('rejected');
    await expect(
      requireActiveAdmission(database.db, A.id, app.merchantId, clock.now()),
    ).resolves.toBeUndefined();
    await expect(
      requireActiveAdmission(database.db, B.id, app.merchantId, clock.now()),
    ).rejects.toMatchObject({
      code: 'ADMISSION_NOT_APPROVED',
    });
    const page = await callerFor(database, app.owner, clock.now).merchant.get({ merchantId: app.merchantId });
    expect(Object.fromEntries(page.admissions.map((a) => [a.communityName, a.status]))).toEqual({
      钟楼新村: 'approved',
      东苑新村: 'rejected',
    });
  });

  it('a merchant that never applied to a compound is not admitted there', async () => {
    const app = await makeApplication(database, clock);
    await expect(
      requireActiveAdmission(database.db, A.id, app.merchantId, clock.now()),
    ).rejects.toMatchObject({
      code: 'ADMISSION_NOT_APPROVED',
    });
  });
});

describe('expiry and renewal', () => {
  it('the job expires approved admissions whose permit or pass lapsed, once, and tells the merchant', async () => {
    const soon = await inStatus('approved');
    await database.db
      .update(merchants)
      .set({ foodPermitExpiresOn: '2026-04-12', vehiclePassExpiresOn: '2026-12-31' })
      .where(eq(merchants.id, soon.merchantId));
    const passSoon = await inStatus('approved');
    await database.db
      .update(merchants)
      .set({ vehiclePassExpiresOn: '2026-04-11' })
      .where(eq(merchants.id, passSoon.merchantId));
    const fine = await inStatus('approved');
    const suspended = await inStatus('suspended');
    await database.db
      .update(merchants)
      .set({ foodPermitExpiresOn: '2026-04-11' })
      .where(eq(merchants.id, suspended.merchantId));

    // On the last valid day nothing happens.
    expect(
      await expireAdmissions({ db: database.db, input: { now: new Date('2026-04-11T15:59:00Z') } }),
    ).toBe(0);
    // 2026-04-12 00:30 in Shanghai: the pass (valid through 04-11) has lapsed, the permit (through 04-12) has not.
    const day1 = new Date('2026-04-11T16:30:00Z');
    await expect(requireActiveAdmission(database.db, A.id, passSoon.merchantId, day1)).rejects.toMatchObject({
      code: 'ADMISSION_EXPIRED',
    });
    expect(await admissionExpiryJob.run(database, day1)).toBe(1);
    expect((await admissionOf(passSoon.merchantId, A.id)).status).toBe('expired');
    expect((await admissionOf(soon.merchantId, A.id)).status).toBe('approved');
    // 2026-04-13: the permit has lapsed too. A second run the same day finds nothing more.
    const day2 = new Date('2026-04-12T16:30:00Z');
    expect(await expireAdmissions({ db: database.db, input: { now: day2 } })).toBe(1);
    expect(await expireAdmissions({ db: database.db, input: { now: day2 } })).toBe(0);
    const expired = await admissionOf(soon.merchantId, A.id);
    expect(expired).toMatchObject({ status: 'expired', expiredAt: day2 });
    expect((await admissionOf(fine.merchantId, A.id)).status).toBe('approved');
    // A suspended merchant stays suspended (reinstating it checks the papers).
    expect((await admissionOf(suspended.merchantId, A.id)).status).toBe('suspended');

    const note = (await notificationsFor(soon.owner.id)).find((n) => n.kind === 'admission.expired');
    expect(note?.payload).toMatchObject({ lapsed: ['food_permit'], permitExpiresOn: '2026-04-12' });
    const audit = (await auditFor(soon.admissionId)).find((a) => a.action === 'admission.expire');
    expect(audit).toMatchObject({
      actorUserId: null,
      before: { status: 'approved' },
      after: { status: 'expired' },
    });
    expect(JOBS).toContain(admissionExpiryJob);
  });

  it('works through more lapsed admissions than one batch holds', async () => {
    const xs = [await inStatus('approved'), await inStatus('approved'), await inStatus('approved')];
    for (const x of xs) {
      await database.db
        .update(merchants)
        .set({ foodPermitExpiresOn: '2026-04-20' })
        .where(eq(merchants.id, x.merchantId));
    }
    expect(
      await expireAdmissions({
        db: database.db,
        input: { now: new Date('2026-04-21T02:00:00Z'), batchSize: 1 },
      }),
    ).toBeGreaterThanOrEqual(3);
    for (const x of xs) expect((await admissionOf(x.merchantId, A.id)).status).toBe('expired');
  });

  it('an expired merchant cannot open a relay or take an order (the guard the relays call)', async () => {
    const x = await inStatus('expired');
    const err = await requireActiveAdmission(database.db, A.id, x.merchantId, clock.now()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ kind: 'PRECONDITION_FAILED', code: 'ADMISSION_EXPIRED' });
    // Even inside the caller's transaction, the refusal writes nothing.
    await expect(
      database.db.transaction((tx) => requireActiveAdmission(tx, A.id, x.merchantId, clock.now())),
    ).rejects.toMatchObject({ code: 'ADMISSION_EXPIRED' });
  });

  it('an approved merchant whose permit lapsed is refused before the job has run', async () => {
    const x = await inStatus('approved');
    await database.db
      .update(merchants)
      .set({ foodPermitExpiresOn: '2026-04-09' })
      .where(eq(merchants.id, x.merchantId));
    await expect(requireActiveAdmission(database.db, A.id, x.merchantId, clock.now())).rejects.toMatchObject({
      code: 'ADMISSION_EXPIRED',
    });
    // and the queue already lists it as expired, flagged
    const q = await coordinator().admission.list({ communityId: A.id, filter: 'expired' });
    expect(q.items.find((i) => i.id === x.admissionId)).toMatchObject({
      status: 'expired',
      storedStatus: 'approved',
      flagged: true,
    });
  });

  it('renewing (a new date AND a new document) sends an expired admission back to review', async () => {
    const x = await inStatus('expired');
    const owner = callerFor(database, x.owner, clock.now);
    // Resubmitting without renewing is refused with a message that says what to do.
    expect(appCode(await caught(owner.merchant.submit({ merchantId: x.merchantId })))).toBe(
      'APPLICATION_INCOMPLETE',
    );
    // A new date alone is not a renewal…
    await owner.merchant.update({ merchantId: x.merchantId, patch: { foodPermitExpiresOn: '2027-04-30' } });
    expect((await admissionOf(x.merchantId, A.id)).status).toBe('expired');
    expect(appCode(await caught(owner.merchant.submit({ merchantId: x.merchantId })))).toBe(
      'RENEWAL_INCOMPLETE',
    );
    // …the new permit document completes it.
    clock.addDays(0.01);
    const up = await uploadDoc(database, x.owner, x.merchantId, 'food_permit', clock);
    expect(up.renewed).toBe(1);
    const row = await admissionOf(x.merchantId, A.id);
    expect(row.status).toBe('submitted');
    expect(row.changedFields).toEqual(['documents.food_permit', 'foodPermitExpiresOn']);
    expect(
      (await notificationsFor(roles.admin.id)).some(
        (n) => n.kind === 'admission.submitted' && n.payload.admissionId === x.admissionId,
      ),
    ).toBe(true);
    expect((await auditFor(x.admissionId)).some((a) => a.action === 'admission.renew')).toBe(true);
    await coordinator().admission.approve(x.ref);
    await expect(
      requireActiveAdmission(database.db, A.id, x.merchantId, clock.now()),
    ).resolves.toBeUndefined();
  });

  it('changes to an approved application are marked for the coordinators, who are told once', async () => {
    const x = await inStatus('approved');
    const owner = callerFor(database, x.owner, clock.now);
    const before = (await notificationsFor(roles.admin.id)).filter(
      (n) => n.kind === 'admission.application_changed',
    ).length;
    await owner.merchant.update({ merchantId: x.merchantId, patch: { vehiclePlate: '沪B54321' } });
    await owner.merchant.update({ merchantId: x.merchantId, patch: { driverName: '王师傅' } });
    expect(await admissionOf(x.merchantId, A.id)).toMatchObject({
      status: 'approved',
      changedFields: ['driverName', 'vehiclePlate'],
    });
    const after = (await notificationsFor(roles.admin.id)).filter(
      (n) => n.kind === 'admission.application_changed',
    ).length;
    expect(after - before).toBe(1);
  });
});

describe('the review queue', () => {
  it('filters by status, counts each tab, and finds admissions expiring within 7 days', async () => {
    const C = await makeCommunity(database.db, {
      buildings: 1,
      stairwellsPerBuilding: 1,
      householdsPerStairwell: 1,
    });
    const rolesC = await makeRoleUsers(database.db, C);
    const coord = callerFor(database, rolesC.admin, clock.now);
    const make = async (permit: string) => {
      const app = await makeApplication(database, clock, { communityIds: [C.id], submit: true, permit });
      return { ...app, id: (await admissionOf(app.merchantId, C.id)).id };
    };
    const waiting = await make('2026-12-31');
    const expiring = await make('2026-04-16');
    const later = await make('2026-04-18');
    await coord.admission.approve({ communityId: C.id, admissionId: expiring.id });
    await coord.admission.approve({ communityId: C.id, admissionId: later.id });
    const draft = await makeApplication(database, clock, { communityIds: [C.id] });

    const all = await coord.admission.list({ communityId: C.id, filter: 'all' });
    expect(all.counts).toMatchObject({
      all: 3,
      submitted: 1,
      approved: 2,
      expiring: 1,
      rejected: 0,
      expired: 0,
    });
    expect(all.items.map((i) => i.merchantId)).not.toContain(draft.merchantId);
    expect(
      (await coord.admission.list({ communityId: C.id, filter: 'submitted' })).items.map((i) => i.id),
    ).toEqual([waiting.id]);
    expect(
      (await coord.admission.list({ communityId: C.id, filter: 'expiring' })).items.map((i) => i.id),
    ).toEqual([expiring.id]);
    // Only this compound's applications
    expect(all.items.every((i) => [waiting.id, expiring.id, later.id].includes(i.id))).toBe(true);
  });

  it('the detail shows documents inline, a checklist, and phones in full to coordinators', async () => {
    const s = await inStatus('submitted');
    const d = await coordinator().admission.get(s.ref);
    expect(d.documents.map((x) => x.kind).sort()).toEqual([
      'business_licence',
      'food_permit',
      'vehicle_pass',
    ]);
    expect(d.documents.every((x) => x.url === `/api/files/${x.id}`)).toBe(true);
    expect(d.documents.find((x) => x.kind === 'food_permit')).toMatchObject({ mimeType: 'application/pdf' });
    expect(JSON.stringify(d.documents)).not.toContain('merchant-documents/'); // storage keys never leave the server
    expect(d.merchant.contactPhone).toBe('+8613800000005');
    expect(d.checklist.map((c) => [c.key, c.ok])).toEqual([
      ['licence', true],
      ['permit', true],
      ['vehiclePass', true],
      ['health', true],
    ]);
    // two days later the attestation is stale
    const later = callerFor(database, roles.admin, () => new Date('2026-04-12T16:30:00Z'));
    expect((await later.admission.get(s.ref)).checklist[3]).toMatchObject({
      key: 'health',
      ok: false,
      problem: 'STALE',
    });
  });
});

/** Every admission procedure, as thunks (called one at a time, so no rejection goes unhandled). */
function allProcedures(api: ReturnType<typeof callerFor>, ref: { communityId: string; admissionId: string }) {
  return [
    () => api.admission.list({ communityId: ref.communityId, filter: 'all' }),
    () => api.admission.get(ref),
    () => api.admission.approve(ref),
    () => api.admission.requestChanges({ ...ref, fields: { legalName: 'x' } }),
    () => api.admission.reject({ ...ref, reason: 'x' }),
    () => api.admission.suspend({ ...ref, reason: 'x' }),
    () => api.admission.reinstate(ref),
  ];
}

describe('refusals', () => {
  it('anonymous callers get UNAUTHORIZED from every admission procedure', async () => {
    const s = await inStatus('submitted');
    const anon = callerFor(database, null, clock.now);
    for (const call of allProcedures(anon, s.ref)) {
      expect((await caught(call())).code).toBe('UNAUTHORIZED');
    }
  });

  it('residents, volunteers, outsiders and the merchant itself get FORBIDDEN', async () => {
    const s = await inStatus('submitted');
    for (const user of [roles.resident, roles.volunteer, roles.outsider, s.owner]) {
      const api = callerFor(database, user, clock.now);
      for (const call of allProcedures(api, s.ref)) {
        expect((await caught(call())).code).toBe('FORBIDDEN');
      }
    }
    expect((await admissionOf(s.merchantId, A.id)).status).toBe('submitted');
  });

  it('a coordinator of another compound: FORBIDDEN there, NOT_FOUND through their own compound', async () => {
    const s = await inStatus('submitted');
    const other = callerFor(database, rolesB.admin, clock.now);
    expect((await caught(other.admission.approve(s.ref))).code).toBe('FORBIDDEN');
    const viaOwn = { communityId: B.id, admissionId: s.admissionId };
    for (const call of allProcedures(other, viaOwn).slice(1)) {
      expect((await caught(call())).code).toBe('NOT_FOUND');
    }
    expect(
      (await other.admission.list({ communityId: B.id, filter: 'all' })).items.map((i) => i.id),
    ).not.toContain(s.admissionId);
    expect((await admissionOf(s.merchantId, A.id)).status).toBe('submitted');
  });

  it('bad input is BAD_REQUEST, never a 500', async () => {
    const s = await inStatus('submitted');
    const c = coordinator();
    expect((await caught(c.admission.get({ communityId: A.id, admissionId: '../../etc/passwd' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await caught(c.admission.requestChanges({ ...s.ref, fields: {} }))).code).toBe('BAD_REQUEST');
    expect((await caught(c.admission.requestChanges({ ...s.ref, fields: { notAField: 'x' } }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await caught(c.admission.list({ communityId: A.id, filter: 'bogus' as 'all' }))).code).toBe(
      'BAD_REQUEST',
    );
  });
});
