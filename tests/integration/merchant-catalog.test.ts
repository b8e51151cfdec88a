/**
 * The merchant's catalog and team: products in integer fen, create / edit / deactivate, delete only
 * when no relay used it, product photos (images only), and staff invited by phone.
 */
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleProductPhotoDownload } from '@/app/api/files/products/[productId]/handler';
import { handleProductPhotoUpload } from '@/app/api/merchant/products/[productId]/photo/handler';
import type { Database } from '@/db/client';
import { products, relayItems, relays, users } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { ServiceError } from '@/server/services/shared/errors';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { SAMPLES } from '@/tests/helpers/file-samples';
import { makeCommunity, makeUser, type TestCommunity } from '@/tests/helpers/fixtures';
import {
  makeApplication,
  TestClock,
  useTempFileStorage,
  type TestApplication,
} from '@/tests/helpers/merchant-fixtures';
import { yuanToFen } from '@/server/services/shared/money';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
let A: TestCommunity;
let app: TestApplication;
let staff: SessionUser;
const clock = new TestClock(new Date('2026-04-10T02:00:00Z'));
const BASE = 'http://linli.test';

beforeAll(async () => {
  database = await createTestDatabase();
  files = useTempFileStorage();
  A = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 1 });
  app = await makeApplication(database, clock);
  staff = await makeUser(database.db, { name: '刘店员' });
  await callerFor(database, app.owner, clock.now).merchant.inviteStaff({
    merchantId: app.merchantId,
    phone: staff.phone!,
    name: '',
  });
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

const rice = {
  name: '东北大米',
  spec: '5kg/袋',
  unit: '袋',
  priceFen: yuanToFen('39.90')!,
  category: '粮油',
};

/** A relay that sells `productId` (the relays domain snapshots the product into relay_items). */
async function useInRelay(productId: string) {
  const [r] = await database.db
    .insert(relays)
    .values({
      communityId: A.id,
      merchantId: app.merchantId,
      leaderUserId: app.owner.id,
      title: '保供第1期',
      opensAt: new Date('2026-04-10T00:00:00Z'),
      closesAt: new Date('2026-04-11T00:00:00Z'),
      deliveryDate: '2026-04-12',
    })
    .returning();
  await database.db.insert(relayItems).values({
    communityId: A.id,
    relayId: r!.id,
    productId,
    name: rice.name,
    spec: rice.spec,
    unit: rice.unit,
    unitPriceFen: rice.priceFen,
  });
}

describe('products', () => {
  it('staff create, edit, deactivate and reactivate products; prices are exact integer fen', async () => {
    const api = callerFor(database, staff, clock.now);
    const p = await api.merchant.createProduct({ merchantId: app.merchantId, ...rice });
    expect(p).toMatchObject({
      name: '东北大米',
      spec: '5kg/袋',
      unit: '袋',
      priceFen: 3990,
      active: true,
      inUse: false,
      photoUrl: null,
    });
    const [row] = await database.db.select().from(products).where(eq(products.id, p.id));
    expect(row!.priceFen).toBe(3990);
    expect(Number.isInteger(row!.priceFen)).toBe(true);

    const edited = await api.merchant.updateProduct({
      merchantId: app.merchantId,
      productId: p.id,
      patch: { priceFen: yuanToFen('0.29')!, spec: ' 10kg/袋 ' },
    });
    expect(edited).toMatchObject({ priceFen: 29, spec: '10kg/袋', name: '东北大米' });

    expect(
      await api.merchant.setProductActive({ merchantId: app.merchantId, productId: p.id, active: false }),
    ).toMatchObject({
      active: false,
    });
    const list = await api.merchant.products({ merchantId: app.merchantId });
    expect(list.find((x) => x.id === p.id)?.active).toBe(false);
    expect(
      (await api.merchant.products({ merchantId: app.merchantId, includeInactive: false })).map((x) => x.id),
    ).not.toContain(p.id);
    await api.merchant.setProductActive({ merchantId: app.merchantId, productId: p.id, active: true });
  });

  it.each([
    [{ ...rice, name: '  ' }, 'name'],
    [{ ...rice, unit: '' }, 'unit'],
    [{ ...rice, name: '米'.repeat(61) }, 'name'],
  ])('refuses bad fields with the field named (%#)', async (input, field) => {
    const e = await caught(
      callerFor(database, app.owner, clock.now).merchant.createProduct({
        merchantId: app.merchantId,
        ...input,
      }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect((e.cause as ServiceError).field).toBe(field);
  });

  it.each([12.5, -1, 10_000_001, Number.NaN])(
    'refuses a price of %s fen (not a whole, in-range number)',
    async (priceFen) => {
      const e = await caught(
        callerFor(database, app.owner, clock.now).merchant.createProduct({
          merchantId: app.merchantId,
          ...rice,
          priceFen,
        }),
      );
      expect(e.code).toBe('BAD_REQUEST');
    },
  );

  it('deletes a product no relay used; refuses (and keeps) one a relay used, which can still be deactivated', async () => {
    const api = callerFor(database, app.owner, clock.now);
    const unused = await api.merchant.createProduct({ merchantId: app.merchantId, ...rice, name: '试卖品' });
    expect(await api.merchant.deleteProduct({ merchantId: app.merchantId, productId: unused.id })).toEqual({
      deleted: unused.id,
    });
    expect(await database.db.$count(products, eq(products.id, unused.id))).toBe(0);

    const used = await api.merchant.createProduct({ merchantId: app.merchantId, ...rice, name: '用过的米' });
    await useInRelay(used.id);
    expect(
      (await api.merchant.products({ merchantId: app.merchantId })).find((x) => x.id === used.id)?.inUse,
    ).toBe(true);
    const e = await caught(api.merchant.deleteProduct({ merchantId: app.merchantId, productId: used.id }));
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect((e.cause as ServiceError).code).toBe('PRODUCT_IN_USE');
    expect(e.message).toContain('下架');
    expect(await database.db.$count(products, eq(products.id, used.id))).toBe(1);
    await expect(
      api.merchant.setProductActive({ merchantId: app.merchantId, productId: used.id, active: false }),
    ).resolves.toMatchObject({
      active: false,
      inUse: true,
    });
    // and the database itself holds the line even if a check were skipped
    await expect(database.db.delete(products).where(eq(products.id, used.id))).rejects.toThrow();
  });

  it('another merchant’s product reads as not found, even through one’s own merchant', async () => {
    const other = await makeApplication(database, clock);
    const theirs = await callerFor(database, other.owner, clock.now).merchant.createProduct({
      merchantId: other.merchantId,
      ...rice,
    });
    const api = callerFor(database, app.owner, clock.now);
    for (const call of [
      () =>
        api.merchant.updateProduct({
          merchantId: app.merchantId,
          productId: theirs.id,
          patch: { priceFen: 1 },
        }),
      () =>
        api.merchant.setProductActive({ merchantId: app.merchantId, productId: theirs.id, active: false }),
      () => api.merchant.deleteProduct({ merchantId: app.merchantId, productId: theirs.id }),
      () =>
        api.merchant.updateProduct({
          merchantId: other.merchantId,
          productId: theirs.id,
          patch: { priceFen: 1 },
        }),
    ]) {
      expect((await caught(call())).code).toBe('NOT_FOUND');
    }
    const [row] = await database.db.select().from(products).where(eq(products.id, theirs.id));
    expect(row).toMatchObject({ priceFen: 3990, active: true });
  });
});

describe('product photos', () => {
  function photoRequest(productId: string, merchantId: string, bytes: Uint8Array, name: string) {
    const form = new FormData();
    form.set('merchantId', merchantId);
    form.set('file', new Blob([bytes as BlobPart]), name);
    return new Request(`${BASE}/api/merchant/products/${productId}/photo`, { method: 'POST', body: form });
  }

  it('stores an image, serves it with its sniffed type, and replaces it', async () => {
    const api = callerFor(database, staff, clock.now);
    const p = await api.merchant.createProduct({ merchantId: app.merchantId, ...rice, name: '带图的米' });
    const res = await handleProductPhotoUpload(
      photoRequest(p.id, app.merchantId, SAMPLES.png, 'rice.png'),
      p.id,
      { user: staff, database },
    );
    expect(res.status).toBe(200);
    const { product } = (await res.json()) as { product: { photoUrl: string } };
    expect(product.photoUrl).toMatch(new RegExp(`^/api/files/products/${p.id}\\?v=`));
    const get = await handleProductPhotoDownload(new Request(`${BASE}${product.photoUrl}`), p.id, {
      user: null,
      database,
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/png');
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(SAMPLES.png);

    const again = await handleProductPhotoUpload(
      photoRequest(p.id, app.merchantId, SAMPLES.jpeg, 'rice2.jpg'),
      p.id,
      { user: staff, database },
    );
    const { product: p2 } = (await again.json()) as { product: { photoUrl: string } };
    expect(p2.photoUrl).not.toBe(product.photoUrl);
    const get2 = await handleProductPhotoDownload(new Request(`${BASE}${p2.photoUrl}`), p.id, {
      user: null,
      database,
    });
    expect(get2.headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses a PDF, an .exe renamed .jpg, strangers and other merchants’ products', async () => {
    const p = await callerFor(database, app.owner, clock.now).merchant.createProduct({
      merchantId: app.merchantId,
      ...rice,
      name: '无图',
    });
    const pdf = await handleProductPhotoUpload(
      photoRequest(p.id, app.merchantId, SAMPLES.pdf, 'menu.pdf'),
      p.id,
      { user: app.owner, database },
    );
    expect(pdf.status).toBe(415);
    expect(((await pdf.json()) as { error: { field: string } }).error.field).toBe('photo');
    const exe = await handleProductPhotoUpload(
      photoRequest(p.id, app.merchantId, SAMPLES.exe, 'rice.jpg'),
      p.id,
      { user: app.owner, database },
    );
    expect(exe.status).toBe(415);
    const stranger = await makeUser(database.db);
    expect(
      (
        await handleProductPhotoUpload(photoRequest(p.id, app.merchantId, SAMPLES.png, 'a.png'), p.id, {
          user: stranger,
          database,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await handleProductPhotoUpload(photoRequest(p.id, app.merchantId, SAMPLES.png, 'a.png'), p.id, {
          user: null,
          database,
        })
      ).status,
    ).toBe(401);
    expect(
      (await handleProductPhotoDownload(new Request(`${BASE}/x`), p.id, { user: null, database })).status,
    ).toBe(404);
    expect(
      (
        await handleProductPhotoDownload(new Request(`${BASE}/x`), '../../etc/passwd', {
          user: null,
          database,
        })
      ).status,
    ).toBe(404);
  });
});

describe('team', () => {
  it('the owner invites by phone: an unknown phone gets an account, a known one keeps its name', async () => {
    const api = callerFor(database, app.owner, clock.now);
    const invited = await api.merchant.inviteStaff({
      merchantId: app.merchantId,
      phone: '139 1234 5678',
      name: '王司机',
    });
    expect(invited).toMatchObject({ phone: '+8613912345678', name: '王司机', role: 'staff' });
    const [u] = await database.db.select().from(users).where(eq(users.phone, '+8613912345678'));
    expect(u!.name).toBe('王司机');

    const known = await makeUser(database.db, { name: '李会计', phone: '+8613912340000' });
    const r = await api.merchant.inviteStaff({
      merchantId: app.merchantId,
      phone: '13912340000',
      name: '别的名字',
    });
    expect(r).toMatchObject({ userId: known.id, name: '李会计' });

    const e = await caught(
      api.merchant.inviteStaff({ merchantId: app.merchantId, phone: '+8613912340000', name: '' }),
    );
    expect([e.code, (e.cause as ServiceError).code]).toEqual(['CONFLICT', 'ALREADY_MEMBER']);
    const bad = await caught(
      api.merchant.inviteStaff({ merchantId: app.merchantId, phone: '12345', name: '' }),
    );
    expect((bad.cause as ServiceError).field).toBe('phone');

    const team = await api.merchant.team({ merchantId: app.merchantId });
    expect(team.members.map((m) => m.role)).toEqual(['owner', 'staff', 'staff', 'staff']);
    expect(team.members.find((m) => m.userId === known.id)?.phone).toBe('+8613912340000');
    // staff see only the last four digits of their colleagues' phones
    const staffView = await callerFor(database, staff, clock.now).merchant.team({
      merchantId: app.merchantId,
    });
    expect(staffView.members.find((m) => m.userId === known.id)?.phone).toBe('***0000');
  });

  it('the new staff member sees the merchant; the owner removes them; the owner cannot be removed', async () => {
    const api = callerFor(database, app.owner, clock.now);
    const n = await api.merchant.inviteStaff({
      merchantId: app.merchantId,
      phone: '13955556666',
      name: '临时工',
    });
    const them = callerFor(database, { id: n.userId, phone: n.phone, name: n.name }, clock.now);
    expect((await them.merchant.mine()).map((m) => m.id)).toEqual([app.merchantId]);
    await api.merchant.removeStaff({ merchantId: app.merchantId, userId: n.userId });
    expect(await them.merchant.mine()).toEqual([]);
    expect((await caught(them.merchant.products({ merchantId: app.merchantId }))).code).toBe('NOT_FOUND');
    expect(
      (await caught(api.merchant.removeStaff({ merchantId: app.merchantId, userId: app.owner.id }))).code,
    ).toBe('NOT_FOUND');
  });
});
