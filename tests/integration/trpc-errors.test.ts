/**
 * What a client actually receives when things go wrong: the real fetch adapter and error formatter
 * of server/api/trpc.ts, driven through a tiny test-only router.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '@/db/client';
import type { AppErrorData } from '@/server/api/trpc';
import {
  coordinatorProcedure,
  createContext,
  protectedProcedure,
  publicProcedure,
  router,
} from '@/server/api/trpc';
import type { SessionUser } from '@/server/services/shared/context';
import { conflict } from '@/server/services/shared/errors';
import { setLogDestination } from '@/server/ops/log';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers } from '@/tests/helpers/fixtures';

const testRouter = router({
  order: publicProcedure
    .input(z.object({ qty: z.number().int().positive({ error: '数量必须大于 0' }), note: z.string().max(3) }))
    .query(({ input }) => input.qty),
  soldOut: publicProcedure.query(() => {
    throw conflict('RELAY_SOLD_OUT', '已售完 / Sold out.', { field: 'qty', details: { left: 0 } });
  }),
  boom: publicProcedure.query(() => {
    throw new Error('connection to 10.0.0.7 failed: password authentication failed for user "linli"');
  }),
  mine: protectedProcedure.query(({ ctx }) => ctx.user.name),
  roster: coordinatorProcedure.query(({ ctx }) => ctx.community.roles),
});

let database: Database;
let people: Awaited<ReturnType<typeof makeRoleUsers>>;
let communityId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const c = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 1,
    householdsPerStairwell: 2,
  });
  communityId = c.id;
  people = await makeRoleUsers(database.db, c);
});
afterAll(async () => {
  await database.close();
});

type Shape = {
  message: string;
  code: number;
  data: AppErrorData & { code: string; httpStatus: number; stack?: string };
};

/** GET /api/trpc/<path>?input=… through the fetch adapter; returns the status and the decoded error. */
async function call(path: string, input: unknown, user: SessionUser | null = null) {
  const url = new URL(`http://localhost/api/trpc/${path}`);
  if (input !== undefined) url.searchParams.set('input', JSON.stringify(superjson.serialize(input)));
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(url),
    router: testRouter,
    createContext: () => createContext({ database, user }),
  });
  const text = await res.text();
  const body = JSON.parse(text) as { error?: { json: Shape } };
  return { status: res.status, text, error: body.error?.json };
}

describe('the tRPC error formatter', () => {
  it('returns zod errors flattened, per field, as BAD_REQUEST', async () => {
    const { status, error } = await call('order', { qty: -2, note: 'too long' });
    expect(status).toBe(400);
    expect(error!.data.code).toBe('BAD_REQUEST');
    expect(error!.data.appCode).toBe('INVALID_INPUT');
    expect(error!.data.zodError!.fieldErrors.qty).toEqual(['数量必须大于 0']);
    expect(error!.data.zodError!.fieldErrors.note).toHaveLength(1);
    expect(error!.data.field).toBe('qty');
  });

  it('maps a service error to its tRPC code and keeps its stable code, field and details', async () => {
    const { status, error } = await call('soldOut', undefined);
    expect(status).toBe(409);
    expect(error!.data.code).toBe('CONFLICT');
    expect(error!.message).toBe('已售完 / Sold out.');
    expect(error!.data).toMatchObject({
      appCode: 'RELAY_SOLD_OUT',
      field: 'qty',
      details: { left: 0 },
      zodError: null,
    });
  });

  it('never lets an unknown error’s message or stack reach the client', async () => {
    const logged: string[] = [];
    setLogDestination({ write: (line: string) => void logged.push(line) });
    const { status, text, error } = await call('boom', undefined);
    expect(status).toBe(500);
    expect(error!.data.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error!.data.appCode).toBe('INTERNAL');
    expect(error!.message).toBe(
      '服务器出错了，请稍后再试 / Something went wrong on our side, please try again.',
    );
    expect(text).not.toMatch(/10\.0\.0\.7|password|linli"/);
    expect(error!.data.stack ?? null).toBeNull();
    expect(text).not.toMatch(/trpc-errors\.test|node_modules|\bat /);
    // …but the operator still sees it in the log (server/ops/log.ts), with the id the client got.
    setLogDestination(undefined);
    expect(logged.join(' ')).toContain('10.0.0.7');
    expect(error!.data.requestId).toMatch(/^[0-9a-f]{10}$/);
    expect(logged.join(' ')).toContain(error!.data.requestId);
  });

  it('answers UNAUTHORIZED to anonymous callers and FORBIDDEN to the wrong role', async () => {
    const anon = await call('mine', undefined);
    expect([anon.status, anon.error!.data.code]).toEqual([401, 'UNAUTHORIZED']);
    const signedIn = await call('mine', undefined, people.resident);
    expect(signedIn.status).toBe(200);

    const resident = await call('roster', { communityId }, people.resident);
    expect([resident.status, resident.error!.data.code]).toEqual([403, 'FORBIDDEN']);
    const outsider = await call('roster', { communityId }, people.outsider);
    expect(outsider.error!.data.code).toBe('FORBIDDEN');
    const admin = await call('roster', { communityId }, people.admin);
    expect(admin.status).toBe(200);
  });
});
