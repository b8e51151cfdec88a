/**
 * Issue 11 item 1: a NUL byte or a lone surrogate in any string input is a 400 naming the field,
 * never a 500 from PostgreSQL — through the real tRPC fetch adapter with the app router, and in
 * the multipart route handlers.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleDocumentUpload } from '@/app/api/merchant/documents/handler';
import type { Database } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { SessionUser } from '@/server/services/shared/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers, type TestCommunity } from '@/tests/helpers/fixtures';

let database: Database;
let c: TestCommunity;
let people: Awaited<ReturnType<typeof makeRoleUsers>>;
beforeAll(async () => {
  database = await createTestDatabase();
  c = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 2 });
  people = await makeRoleUsers(database.db, c);
});
afterAll(async () => {
  await database.close();
});

async function trpc(path: string, input: unknown, user: SessionUser | null, method: 'GET' | 'POST') {
  const url = new URL(`http://localhost/api/trpc/${path}`);
  const body = JSON.stringify(superjson.serialize(input));
  if (method === 'GET') url.searchParams.set('input', body);
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(
      url,
      method === 'POST' ? { method, body, headers: { 'content-type': 'application/json' } } : {},
    ),
    router: appRouter,
    createContext: () => createContext({ database, user }),
  });
  const json = (await res.json()) as {
    error?: { json: { message: string; data: { code: string; appCode: string; field: string } } };
  };
  return { status: res.status, error: json.error?.json };
}

describe('bad text at the tRPC edge', () => {
  it('a NUL byte in a building number is a 400 naming the field (was a 500)', async () => {
    const r = await trpc(
      'roster.createBuilding',
      { communityId: c.id, number: '9\u00009' },
      people.admin,
      'POST',
    );
    expect(r.status).toBe(400);
    expect(r.error!.data.code).toBe('BAD_REQUEST');
    expect(r.error!.data.appCode).toBe('TEXT_INVALID');
    expect(r.error!.data.field).toBe('number');
    expect(r.error!.message).toMatch(/NUL/);
  });

  it('a lone surrogate in a search query is a 400 naming the field', async () => {
    const r = await trpc('roster.search', { communityId: c.id, query: '张\ud800' }, people.admin, 'GET');
    expect(r.status).toBe(400);
    expect(r.error!.data.appCode).toBe('TEXT_INVALID');
    expect(r.error!.data.field).toBe('query');
  });

  it('is checked before the role check, so nobody learns anything from it', async () => {
    const r = await trpc('roster.search', { communityId: c.id, query: '\u0000' }, null, 'GET');
    expect(r.status).toBe(400);
  });

  it('the same text without the bad character goes through', async () => {
    const r = await trpc('roster.createBuilding', { communityId: c.id, number: '99' }, people.admin, 'POST');
    expect(r.status).toBe(200);
  });
});

describe('bad text in an upload form', () => {
  it('a NUL byte in the merchant id field is a 400 naming the field', async () => {
    const form = new FormData();
    form.set('merchantId', '\u0000');
    form.set('kind', 'business_licence');
    form.set('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }), 'a.jpg');
    const res = await handleDocumentUpload(
      new Request('http://linli.test/api/merchant/documents', { method: 'POST', body: form }),
      { user: people.owner, database },
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; field: string } };
    expect(body.error.code).toBe('TEXT_INVALID');
    expect(body.error.field).toBe('merchantId');
  });
});
