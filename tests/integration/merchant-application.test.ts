/**
 * The application wizard's verbs: start (idempotent), save field by field with per-field errors,
 * attestations, compounds to apply to, and the refusals of every merchant procedure.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { globalAuditLog, merchantMembers, merchants } from '@/db/schema';
import { ServiceError } from '@/server/services/shared/errors';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, makeUser, type TestCommunity } from '@/tests/helpers/fixtures';
import { makeApplication, TestClock, useTempFileStorage } from '@/tests/helpers/merchant-fixtures';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
let A: TestCommunity;
let roles: Awaited<ReturnType<typeof makeRoleUsers>>;
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
  roles = await makeRoleUsers(database.db, A);
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
const cause = (e: TRPCError) => e.cause as ServiceError;

describe('starting an application', () => {
  it('any signed-in person can start one and becomes its owner; a retried start returns the same draft', async () => {
    const u = await makeUser(database.db, { name: '周大姐' });
    const api = callerFor(database, u, clock.now);
    const requestId = randomUUID();
    const first = await api.merchant.start({ requestId });
    const again = await api.merchant.start({ requestId });
    expect(again).toEqual({ merchantId: first.merchantId, created: false });
    expect(first.created).toBe(true);
    const members = await database.db
      .select()
      .from(merchantMembers)
      .where(eq(merchantMembers.merchantId, first.merchantId));
    expect(members).toMatchObject([{ userId: u.id, role: 'owner' }]);
    // prefilled contact: the applicant
    const page = await api.merchant.get({ merchantId: first.merchantId });
    expect(page.merchant).toMatchObject({ contactName: '周大姐', contactPhone: u.phone });
    expect(page.myRole).toBe('owner');
    expect((await api.merchant.mine()).map((m) => m.id)).toEqual([first.merchantId]);
    // someone else replaying that id gets nothing of it
    const other = callerFor(database, await makeUser(database.db), clock.now);
    expect((await caught(other.merchant.start({ requestId }))).code).toBe('CONFLICT');
  });

  it('refuses anonymous callers', async () => {
    expect((await caught(callerFor(database, null).merchant.start({ requestId: randomUUID() }))).code).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('saving as you go, field by field', () => {
  async function fresh() {
    const u = await makeUser(database.db);
    const api = callerFor(database, u, clock.now);
    const { merchantId } = await api.merchant.start({ requestId: randomUUID() });
    return { api, merchantId, user: u };
  }

  it('normalises what people type: credit code, phones to E.164, plates', async () => {
    const { api, merchantId } = await fresh();
    const r = await api.merchant.update({
      merchantId,
      patch: {
        creditCode: ' 9144 0300 7152 6726xg',
        contactPhone: '138 0013 8000',
        driverPhone: '+86 139-0000-1234',
        vehiclePlate: '沪a·d1234 5',
        legalName: '  上海  鲜丰超市有限公司 ',
        kind: 'farm_coop',
      },
    });
    expect(r.application).toMatchObject({
      creditCode: '9144030071526726XG',
      contactPhone: '+8613800138000',
      driverPhone: '+8613900001234',
      vehiclePlate: '沪AD12345',
      legalName: '上海 鲜丰超市有限公司',
      kind: 'farm_coop',
    });
    expect(r.changed.sort()).toEqual([
      'contactPhone',
      'creditCode',
      'driverPhone',
      'kind',
      'legalName',
      'vehiclePlate',
    ]);
  });

  it.each([
    ['creditCode', '91350100M000100Y44', 'CREDIT_CODE_CHECK_DIGIT'],
    ['creditCode', '9135010', 'CREDIT_CODE_FORMAT'],
    ['contactPhone', '1380013800', 'PHONE_INVALID'],
    ['driverPhone', 'abc', 'PHONE_INVALID'],
    ['vehiclePlate', 'AB-1234', 'PLATE_INVALID'],
    ['foodPermitExpiresOn', '2026-04-09', 'FOOD_PERMIT_EXPIRED'],
    ['vehiclePassExpiresOn', '2022-05-31', 'VEHICLE_PASS_EXPIRED'],
    ['foodPermitExpiresOn', '2026-02-30', 'DATE_INVALID'],
    ['displayName', '店'.repeat(41), 'TOO_LONG'],
  ] as const)(
    '%s = %j is refused with %s on that field, and nothing of the patch is saved',
    async (field, value, code) => {
      const { api, merchantId } = await fresh();
      const e = await caught(
        api.merchant.update({ merchantId, patch: { displayName: '新名字', [field]: value } }),
      );
      expect(e.code).toBe('BAD_REQUEST');
      expect(cause(e)).toMatchObject({ code, field });
      expect(e.message).toMatch(/ \/ /);
      const [m] = await database.db.select().from(merchants).where(eq(merchants.id, merchantId));
      expect(m!.displayName).toBe('');
    },
  );

  it('clearing a field is allowed in a draft (reported missing at submit)', async () => {
    const { api, merchantId } = await fresh();
    await api.merchant.update({ merchantId, patch: { foodPermitNo: 'JY1310116' } });
    await api.merchant.update({ merchantId, patch: { foodPermitNo: '' } });
    const page = await api.merchant.get({ merchantId });
    expect(page.merchant.foodPermitNo).toBeNull();
    expect(page.missing.foodPermitNo).toBe('REQUIRED');
  });

  it('unknown fields and wrong kinds are refused by the schema', async () => {
    const { api, merchantId } = await fresh();
    expect((await caught(api.merchant.update({ merchantId, patch: { kind: 'bank' as 'other' } }))).code).toBe(
      'BAD_REQUEST',
    );
    expect(
      (
        await caught(
          api.merchant.update({ merchantId, patch: { createdBy: 'x' } as unknown as { legalName: string } }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
  });

  it('writes the change to the global audit log', async () => {
    const { api, merchantId, user } = await fresh();
    await api.merchant.update({ merchantId, patch: { displayName: '朱泾农家' } });
    const rows = await database.db
      .select()
      .from(globalAuditLog)
      .where(eq(globalAuditLog.entityId, merchantId));
    expect(rows.find((r) => r.action === 'merchant.application_updated')).toMatchObject({
      actorUserId: user.id,
      before: { displayName: '' },
      after: { displayName: '朱泾农家' },
    });
  });

  it('health attestations: added and removed; a test date in the future is refused', async () => {
    const { api, merchantId } = await fresh();
    const a = await api.merchant.addAttestation({
      merchantId,
      personName: ' 刘建军 ',
      lastNegativeTestOn: '2026-04-09',
    });
    expect(a).toMatchObject({ personName: '刘建军', lastNegativeTestOn: '2026-04-09' });
    const e = await caught(
      api.merchant.addAttestation({ merchantId, personName: '王', lastNegativeTestOn: '2026-04-11' }),
    );
    expect(cause(e)).toMatchObject({ code: 'TEST_DATE_IN_FUTURE', field: 'lastNegativeTestOn' });
    expect(
      cause(
        await caught(
          api.merchant.addAttestation({ merchantId, personName: ' ', lastNegativeTestOn: '2026-04-09' }),
        ),
      ),
    ).toMatchObject({
      field: 'personName',
    });
    await api.merchant.removeAttestation({ merchantId, attestationId: a.id });
    expect((await api.merchant.get({ merchantId })).attestations).toEqual([]);
    expect((await caught(api.merchant.removeAttestation({ merchantId, attestationId: a.id }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('choosing compounds: idempotent, unknown ones refused, drafts can be withdrawn, submitted ones not', async () => {
    const app = await makeApplication(database, clock);
    const api = callerFor(database, app.owner, clock.now);
    expect((await api.merchant.communities()).map((c) => c.id)).toContain(A.id);
    expect(await api.merchant.applyTo({ merchantId: app.merchantId, communityIds: [A.id, A.id] })).toEqual({
      added: 1,
    });
    expect(await api.merchant.applyTo({ merchantId: app.merchantId, communityIds: [A.id] })).toEqual({
      added: 0,
    });
    expect(
      (await caught(api.merchant.applyTo({ merchantId: app.merchantId, communityIds: [randomUUID()] }))).code,
    ).toBe('NOT_FOUND');
    expect((await caught(api.merchant.applyTo({ merchantId: app.merchantId, communityIds: [] }))).code).toBe(
      'BAD_REQUEST',
    );
    await api.merchant.withdraw({ merchantId: app.merchantId, communityId: A.id });
    expect((await api.merchant.get({ merchantId: app.merchantId })).admissions).toEqual([]);
    await api.merchant.applyTo({ merchantId: app.merchantId, communityIds: [A.id] });
    await api.merchant.submit({ merchantId: app.merchantId });
    expect(
      (await caught(api.merchant.withdraw({ merchantId: app.merchantId, communityId: A.id }))).code,
    ).toBe('NOT_FOUND');
    expect((await api.merchant.mine())[0]!.admissions).toMatchObject([
      { communityId: A.id, status: 'submitted' },
    ]);
  });
});

describe('refusals of every merchant procedure', () => {
  /** Every procedure that takes a merchant, as thunks. */
  function calls(api: ReturnType<typeof callerFor>, merchantId: string) {
    const fake = randomUUID();
    return {
      get: () => api.merchant.get({ merchantId }),
      update: () => api.merchant.update({ merchantId, patch: { displayName: 'x' } }),
      addAttestation: () =>
        api.merchant.addAttestation({ merchantId, personName: 'x', lastNegativeTestOn: '2026-04-09' }),
      removeAttestation: () => api.merchant.removeAttestation({ merchantId, attestationId: fake }),
      removeDocument: () => api.merchant.removeDocument({ merchantId, documentId: fake }),
      applyTo: () => api.merchant.applyTo({ merchantId, communityIds: [A.id] }),
      withdraw: () => api.merchant.withdraw({ merchantId, communityId: A.id }),
      submit: () => api.merchant.submit({ merchantId }),
      products: () => api.merchant.products({ merchantId }),
      createProduct: () =>
        api.merchant.createProduct({
          merchantId,
          name: 'x',
          spec: '',
          unit: '袋',
          priceFen: 100,
          category: '',
        }),
      updateProduct: () => api.merchant.updateProduct({ merchantId, productId: fake, patch: { name: 'y' } }),
      setProductActive: () => api.merchant.setProductActive({ merchantId, productId: fake, active: false }),
      deleteProduct: () => api.merchant.deleteProduct({ merchantId, productId: fake }),
      team: () => api.merchant.team({ merchantId }),
      inviteStaff: () => api.merchant.inviteStaff({ merchantId, phone: '13900009999', name: 'x' }),
      removeStaff: () => api.merchant.removeStaff({ merchantId, userId: fake }),
    };
  }
  const OWNER_ONLY = [
    'update',
    'addAttestation',
    'removeAttestation',
    'removeDocument',
    'applyTo',
    'withdraw',
    'submit',
    'inviteStaff',
    'removeStaff',
  ];

  it('anonymous: UNAUTHORIZED everywhere', async () => {
    const app = await makeApplication(database, clock);
    const anon = callerFor(database, null, clock.now);
    for (const [name, call] of Object.entries(calls(anon, app.merchantId))) {
      expect((await caught(call())).code, name).toBe('UNAUTHORIZED');
    }
    for (const call of [() => anon.merchant.mine(), () => anon.merchant.communities()]) {
      expect((await caught(call())).code).toBe('UNAUTHORIZED');
    }
  });

  it('not a member (a stranger, a coordinator of a compound it applied to, another merchant’s owner): NOT_FOUND', async () => {
    const app = await makeApplication(database, clock, { communityIds: [A.id], submit: true });
    const otherMerchant = await makeApplication(database, clock);
    for (const user of [roles.outsider, roles.admin, roles.resident, otherMerchant.owner]) {
      for (const [name, call] of Object.entries(
        calls(callerFor(database, user, clock.now), app.merchantId),
      )) {
        expect((await caught(call())).code, name).toBe('NOT_FOUND');
      }
    }
  });

  it('staff: FORBIDDEN for what only the owner may do, allowed the rest', async () => {
    const app = await makeApplication(database, clock);
    const staff = await makeUser(database.db);
    await callerFor(database, app.owner, clock.now).merchant.inviteStaff({
      merchantId: app.merchantId,
      phone: staff.phone!,
      name: '',
    });
    const api = callerFor(database, staff, clock.now);
    for (const [name, call] of Object.entries(calls(api, app.merchantId))) {
      if (OWNER_ONLY.includes(name)) {
        const e = await caught(call());
        expect(e.code, name).toBe('FORBIDDEN');
        expect(cause(e).code).toBe('MERCHANT_OWNER_REQUIRED');
      }
    }
    await expect(api.merchant.get({ merchantId: app.merchantId })).resolves.toMatchObject({
      myRole: 'staff',
    });
    await expect(api.merchant.products({ merchantId: app.merchantId })).resolves.toEqual([]);
  });
});
