/**
 * Application documents over HTTP: the route handlers called directly with a Request.
 * Who may read a document (the access matrix), that no URL reaches a path on disk, and what an
 * upload refuses (too large, disguised, wrong type, not your merchant) with the field to show it on.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDocumentDownload } from '@/app/api/files/[documentId]/handler';
import { handleDocumentUpload } from '@/app/api/merchant/documents/handler';
import type { Database } from '@/db/client';
import { merchantDocuments } from '@/db/schema';
import { InvalidFileKeyError, LocalDiskStorage } from '@/server/files/storage';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { SAMPLES } from '@/tests/helpers/file-samples';
import {
  addMember,
  makeCommunity,
  makeRoleUsers,
  makeUser,
  type TestCommunity,
} from '@/tests/helpers/fixtures';
import {
  makeApplication,
  TestClock,
  useTempFileStorage,
  type TestApplication,
} from '@/tests/helpers/merchant-fixtures';

let database: Database;
let files: ReturnType<typeof useTempFileStorage>;
let A: TestCommunity;
let B: TestCommunity;
let C: TestCommunity;
let rolesA: Awaited<ReturnType<typeof makeRoleUsers>>;
let rolesB: Awaited<ReturnType<typeof makeRoleUsers>>;
let rolesC: Awaited<ReturnType<typeof makeRoleUsers>>;
let app: TestApplication;
let staff: SessionUser;
let docId: string;
const clock = new TestClock(new Date('2026-04-10T02:00:00Z'));
const BASE = 'http://linli.test';

beforeAll(async () => {
  database = await createTestDatabase();
  files = useTempFileStorage();
  const small = { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 2 };
  [A, B, C] = [
    await makeCommunity(database.db, small),
    await makeCommunity(database.db, small),
    await makeCommunity(database.db, small),
  ];
  rolesA = await makeRoleUsers(database.db, A);
  rolesB = await makeRoleUsers(database.db, B);
  rolesC = await makeRoleUsers(database.db, C);
  // Submitted to A; chosen (draft only) for C; never applied to B.
  app = await makeApplication(database, clock, { communityIds: [A.id], submit: true });
  await callerFor(database, app.owner, clock.now).merchant.applyTo({
    merchantId: app.merchantId,
    communityIds: [C.id],
  });
  staff = await makeUser(database.db, { name: '刘店员' });
  await callerFor(database, app.owner, clock.now).merchant.inviteStaff({
    merchantId: app.merchantId,
    phone: staff.phone!,
    name: '',
  });
  const page = await callerFor(database, app.owner, clock.now).merchant.get({ merchantId: app.merchantId });
  docId = page.documents.find((d) => d.kind === 'food_permit')!.id;
});
afterAll(async () => {
  files.cleanup();
  await database.close();
});

const download = (user: SessionUser | null, id: string, query = '') =>
  handleDocumentDownload(new Request(`${BASE}/api/files/${encodeURIComponent(id)}${query}`), id, {
    user,
    database,
  });

function uploadRequest(
  fields: Record<string, string>,
  file?: { bytes: Uint8Array; name: string },
  opts: { stream?: boolean } = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([file.bytes as BlobPart]), file.name);
  const encoded = new Response(form);
  if (!opts.stream) return new Request(`${BASE}/api/merchant/documents`, { method: 'POST', body: form });
  // Chunked, with no Content-Length: the size is only known by counting while reading.
  return new Request(`${BASE}/api/merchant/documents`, {
    method: 'POST',
    headers: { 'content-type': encoded.headers.get('content-type')! },
    body: encoded.body,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
}

const upload = (user: SessionUser | null, req: Request) =>
  handleDocumentUpload(req, { user, database, now: clock.now });

function storedFileCount(): number {
  const walk = (dir: string): number =>
    readdirSync(dir).reduce((n, f) => {
      const p = path.join(dir, f);
      return n + (statSync(p).isDirectory() ? walk(p) : f.endsWith('.meta.json') ? 0 : 1);
    }, 0);
  return walk(files.storage.root);
}

describe('document access matrix', () => {
  it.each([
    ['the owner', () => app.owner],
    ['a staff member', () => staff],
    ['an admin of a compound it applied to', () => rolesA.admin],
    ['the group owner (群主) of a compound it applied to', () => rolesA.owner],
  ])('%s can read it, with the sniffed type and safe headers', async (_who, user) => {
    const res = await download(user(), docId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Not an image: always a download, never rendered on Linli's origin (issue 11 item 12).
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="food_permit.pdf"; filename*=UTF-8''food_permit.pdf`,
    );
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(SAMPLES.pdf);
  });

  it.each([
    ['an admin of a compound it never applied to', () => rolesB.admin],
    ['the group owner of another compound', () => rolesB.owner],
    ['an admin of a compound it only has a draft for', () => rolesC.admin],
    ['a resident of the compound it applied to', () => rolesA.resident],
    ['a volunteer of the compound it applied to', () => rolesA.volunteer],
    ['a signed-in stranger', () => rolesA.outsider],
    ['an anonymous caller', () => null],
  ])('%s gets 404, exactly as for an id that does not exist', async (_who, user) => {
    const res = await download(user(), docId);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('DOCUMENT_NOT_FOUND');
    const missing = await download(user(), randomUUID());
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual(body);
  });

  it('a resident who is also a coordinator elsewhere still cannot read it', async () => {
    const u = await makeUser(database.db);
    await addMember(database.db, A.id, u, 'resident', A.households[1]!.id);
    await addMember(database.db, B.id, u, 'admin');
    expect((await download(u, docId)).status).toBe(404);
  });

  it('?download=1 sends it as an attachment with its name (UTF-8 names survive)', async () => {
    const res = await upload(
      app.owner,
      uploadRequest(
        { merchantId: app.merchantId, kind: 'other' },
        { bytes: SAMPLES.png, name: '卫生许可 证明.png' },
      ),
    );
    expect(res.status).toBe(201);
    const { document } = (await res.json()) as { document: { id: string; url: string } };
    expect(document.url).toBe(`/api/files/${document.id}`);
    const d = await download(app.owner, document.id, '?download=1');
    expect(d.headers.get('content-type')).toBe('image/png');
    expect(d.headers.get('content-disposition')).toBe(
      `attachment; filename="____ __.png"; filename*=UTF-8''${encodeURIComponent('卫生许可 证明.png')}`,
    );
  });

  it('shows an image inline, but a PDF only as an attachment, with nosniff', async () => {
    const res = await upload(
      app.owner,
      uploadRequest(
        { merchantId: app.merchantId, kind: 'other' },
        { bytes: SAMPLES.png, name: 'permit.png' },
      ),
    );
    const { document } = (await res.json()) as { document: { id: string } };
    const image = await download(app.owner, document.id);
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="permit.png"/);
    const pdf = await download(app.owner, docId);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 304 when the browser already has it', async () => {
    const first = await download(app.owner, docId);
    const etag = first.headers.get('etag')!;
    const again = await handleDocumentDownload(
      new Request(`${BASE}/api/files/${docId}`, { headers: { 'if-none-match': etag } }),
      docId,
      {
        user: app.owner,
        database,
      },
    );
    expect(again.status).toBe(304);
  });
});

describe('no path traversal through any document URL', () => {
  const attempts = [
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252fetc%252fpasswd',
    '..\\..\\..\\windows\\win.ini',
    '/etc/passwd',
    '//etc/passwd',
    'C:\\Windows\\win.ini',
    'file:///etc/passwd',
    '.',
    '..',
    '',
    '\u0000',
    'products',
  ];

  it.each(attempts)('GET /api/files/%j is a plain 404, for the owner too', async (attempt) => {
    for (const user of [app.owner, rolesA.admin, null]) {
      const res = await download(user, attempt);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
    }
  });

  it('the storage key of a real document is not a URL either', async () => {
    const [doc] = await database.db
      .select({ key: merchantDocuments.storageKey })
      .from(merchantDocuments)
      .where(eq(merchantDocuments.id, docId));
    expect((await download(app.owner, doc!.key)).status).toBe(404);
    expect((await download(app.owner, `${docId}/../${docId}`)).status).toBe(404);
  });

  it('the disk store refuses every key that is not its own pattern, before touching the disk', async () => {
    const store = new LocalDiskStorage(files.storage.root);
    for (const key of [
      '../outside',
      'merchant-documents/../../outside',
      '/etc/passwd',
      'merchant-documents/2026/04/..',
      'merchant-documents\\..\\x',
      'merchant-documents/%2e%2e/x',
      'merchant-documents//x',
      'Merchant-Documents/2026/04/x',
      'merchant-documents/2026/04/x.meta.json',
      'single',
    ]) {
      expect(() => store.resolve(key), key).toThrow(InvalidFileKeyError);
      await expect(store.get(key), key).rejects.toThrow(InvalidFileKeyError);
      await expect(
        store.put(key, new Uint8Array([1]), { contentType: 'x', sha256: 'x', size: 1 }),
        key,
      ).rejects.toThrow(InvalidFileKeyError);
    }
    expect(store.resolve('merchant-documents/2026/04/abc')).toBe(
      path.join(files.storage.root, 'merchant-documents/2026/04/abc'),
    );
  });
});

describe('uploads', () => {
  it('stores a document with its size and sha256, and the bytes come back unchanged', async () => {
    const res = await upload(
      app.owner,
      uploadRequest(
        { merchantId: app.merchantId, kind: 'business_licence' },
        { bytes: SAMPLES.webp, name: 'licence.webp' },
      ),
    );
    expect(res.status).toBe(201);
    const { document } = (await res.json()) as {
      document: { id: string; sizeBytes: number; sha256: string; mimeType: string };
    };
    expect(document).toMatchObject({
      sizeBytes: SAMPLES.webp.byteLength,
      mimeType: 'image/webp',
      sha256: (await import('node:crypto')).createHash('sha256').update(SAMPLES.webp).digest('hex'),
    });
    expect(new Uint8Array(await (await download(rolesA.admin, document.id)).arrayBuffer())).toEqual(
      SAMPLES.webp,
    );
  });

  const refused: [string, Uint8Array, string, number, string][] = [
    ['an .exe renamed .pdf', SAMPLES.exe, '食品经营许可证.pdf', 415, 'FILE_NAME_MISMATCH'],
    ['a PDF renamed .jpg', SAMPLES.pdf, 'photo.jpg', 415, 'FILE_NAME_MISMATCH'],
    ['an HTML page', SAMPLES.html, 'page', 415, 'FILE_TYPE_NOT_ALLOWED'],
    ['an SVG with a script', SAMPLES.svg, 'logo.svg', 415, 'FILE_TYPE_NOT_ALLOWED'],
    ['an empty file', new Uint8Array(), 'a.pdf', 415, 'FILE_EMPTY'],
  ];
  it.each(refused)(
    'refuses %s with a message on the field and stores nothing',
    async (_what, bytes, name, status, code) => {
      const before = storedFileCount();
      const rows = await database.db.$count(merchantDocuments);
      const res = await upload(
        app.owner,
        uploadRequest({ merchantId: app.merchantId, kind: 'food_permit' }, { bytes, name }),
      );
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; field: string; message: string } };
      expect(body.error).toMatchObject({ code, field: 'documents.food_permit' });
      expect(body.error.message).toMatch(/ \/ /); // zh / en
      expect(storedFileCount()).toBe(before);
      expect(await database.db.$count(merchantDocuments)).toBe(rows);
    },
  );

  it('the .exe message names what the file really is', async () => {
    const res = await upload(
      app.owner,
      uploadRequest(
        { merchantId: app.merchantId, kind: 'food_permit' },
        { bytes: SAMPLES.exe, name: 'x.pdf' },
      ),
    );
    const body = (await res.json()) as { error: { message: string; details: { detected: string } } };
    expect(body.error.details.detected).toBe('exe');
    expect(body.error.message).toContain('Windows');
  });

  it('refuses a 30 MB file with 413, whether or not it declares its length, and stores nothing', async () => {
    const big = new Uint8Array(30 * 1024 * 1024);
    big.set(SAMPLES.jpeg);
    const before = storedFileCount();
    for (const stream of [false, true]) {
      const res = await upload(
        app.owner,
        uploadRequest(
          { merchantId: app.merchantId, kind: 'vehicle_pass' },
          { bytes: big, name: 'pass.jpg' },
          { stream },
        ),
      );
      expect(res.status, stream ? 'streamed' : 'with length').toBe(413);
      const body = (await res.json()) as { error: { code: string; message: string; field: string | null } };
      expect(body.error.code).toBe('FILE_TOO_LARGE');
      expect(body.error.message).toContain('10 MB');
    }
    expect(storedFileCount()).toBe(before);
  });

  it('accepts exactly 10 MB and refuses one byte more', async () => {
    const exact = new Uint8Array(10 * 1024 * 1024);
    exact.set(SAMPLES.jpeg);
    const ok = await upload(
      app.owner,
      uploadRequest(
        { merchantId: app.merchantId, kind: 'other' },
        { bytes: exact, name: 'big.jpg' },
        { stream: true },
      ),
    );
    expect(ok.status).toBe(201);
    const over = new Uint8Array(10 * 1024 * 1024 + 1);
    over.set(SAMPLES.jpeg);
    const res = await upload(
      app.owner,
      uploadRequest({ merchantId: app.merchantId, kind: 'other' }, { bytes: over, name: 'big.jpg' }),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('documents.other');
  });

  it('refuses anonymous uploads (401), strangers and coordinators (404), staff (403)', async () => {
    const req = () =>
      uploadRequest({ merchantId: app.merchantId, kind: 'other' }, { bytes: SAMPLES.jpeg, name: 'a.jpg' });
    expect((await upload(null, req())).status).toBe(401);
    for (const u of [rolesA.outsider, rolesA.admin, rolesA.resident])
      expect((await upload(u, req())).status).toBe(404);
    const s = await upload(staff, req());
    expect(s.status).toBe(403);
    expect(((await s.json()) as { error: { code: string } }).error.code).toBe('MERCHANT_OWNER_REQUIRED');
  });

  it('refuses malformed requests with 400, never 500', async () => {
    const notMultipart = new Request(`${BASE}/api/merchant/documents`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect((await upload(app.owner, notMultipart)).status).toBe(400);
    expect(
      (
        await upload(
          app.owner,
          uploadRequest(
            { merchantId: app.merchantId, kind: 'passport' },
            { bytes: SAMPLES.jpeg, name: 'a.jpg' },
          ),
        )
      ).status,
    ).toBe(400);
    expect(
      (await upload(app.owner, uploadRequest({ merchantId: app.merchantId, kind: 'other' }))).status,
    ).toBe(400);
    expect(
      (
        await upload(
          app.owner,
          uploadRequest({ merchantId: '../x', kind: 'other' }, { bytes: SAMPLES.jpeg, name: 'a.jpg' }),
        )
      ).status,
    ).toBe(404);
    const broken = new Request(`${BASE}/api/merchant/documents`, {
      method: 'POST',
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect((await upload(app.owner, broken)).status).toBe(400);
  });
});
