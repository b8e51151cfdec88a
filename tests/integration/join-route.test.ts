/**
 * Issue 12: the join's lean HTTP path (server/api/join-route.ts), which the custom server answers
 * before Next. A phone must not be able to tell it from the tRPC route: the same answers for an
 * accepted join (alone and as the page's batch of one), a sold-out refusal, a missing, forged,
 * expired or signed-out session, a non-member and bad input; and the same order in the database.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode } from 'next-auth/jwt';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setDatabase, type Database } from '@/db/client';
import { makeTrpcHandler } from '@/server/api/http-handler';
import { isJoinRequest } from '@/server/api/join-path';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { decodeSessionToken, handleJoinRequest, sessionTokenFrom } from '@/server/api/join-route';
import { endSession, startSession } from '@/server/services/auth/sessions';
import type { SessionUser } from '@/server/services/shared/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeUser } from '@/tests/helpers/fixtures';
import { makeRelayWorld, newKey, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

const SECRET = 'join-route-test-secret-0123456789abcdef';
let database: Database;
let w: RelayWorld;
let server: Server;
let base: string;
const saved = process.env.AUTH_SECRET;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  process.env.AUTH_SECRET = SECRET;
  database = await createTestDatabase();
  setDatabase(database);
  w = await makeRelayWorld(database);
  server = createServer((req, res) => {
    if (!isJoinRequest(req)) return void res.writeHead(404).end('next');
    void handleJoinRequest(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end('next');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  vi.restoreAllMocks();
  setDatabase(undefined);
  await database?.close();
  if (saved === undefined) delete process.env.AUTH_SECRET;
  else process.env.AUTH_SECRET = saved;
});

async function cookieFor(user: SessionUser, maxAge?: number): Promise<string> {
  const { sessionId } = await startSession({ ctx: w.ctx(null), input: { userId: user.id } });
  const token = await encode({
    token: { uid: user.id, sid: sessionId, name: user.name, phone: user.phone },
    secret: SECRET,
    maxAge,
  });
  return `other=1; next-auth.session-token=${token}`;
}

type Answer = { status: number; body: unknown };
async function post(input: unknown, cookie: string | null, batch = false): Promise<Answer> {
  const payload = superjson.serialize(input);
  const res = await fetch(`${base}/api/trpc/relay.join${batch ? '?batch=1' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(batch ? { 0: payload } : payload),
  });
  return { status: res.status, body: await res.json() };
}

function joinInput(relayId: string, householdId: string, itemId: string) {
  return {
    communityId: w.community.id,
    relayId,
    householdId,
    lines: [{ relayItemId: itemId, qty: 1 }],
    idempotencyKey: newKey(),
  };
}

type ErrorBody = { error: { json: { data: { appCode: string | null; httpStatus: number; path: string } } } };
const appCode = (a: Answer) => (a.body as ErrorBody).error.json.data.appCode;

describe('the lean join path', () => {
  it('accepts joins alone and as a batch of one, then refuses the sold-out item with its code', async () => {
    const relayId = await openTestRelay(w, { items: [{ product: 'eggs', stockCap: 2 }] });
    const [itemId] = await itemIds(relayId);
    const [h1, h2, h3] = w.community.households;
    const a = await post(joinInput(relayId, h1!.id, itemId!), await cookieFor(w.residents.get(h1!.id)!));
    expect(a.status).toBe(200);
    const order = superjson.deserialize<{ order: { seq: number; holdUntil: Date }; replayed: boolean }>(
      (a.body as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data,
    );
    expect(order.order.seq).toBe(1);
    expect(order.order.holdUntil).toBeInstanceOf(Date);
    expect(order.replayed).toBe(false);

    const b = await post(
      joinInput(relayId, h2!.id, itemId!),
      await cookieFor(w.residents.get(h2!.id)!),
      true,
    );
    expect(b.status).toBe(200);
    expect(Array.isArray(b.body)).toBe(true);
    const [entry] = b.body as { result: { data: Parameters<typeof superjson.deserialize>[0] } }[];
    expect(superjson.deserialize<{ order: { seq: number } }>(entry!.result.data).order.seq).toBe(2);

    const c = await post(joinInput(relayId, h3!.id, itemId!), await cookieFor(w.residents.get(h3!.id)!));
    expect(c.status).toBe(409);
    expect(appCode(c)).toBe('RELAY_SOLD_OUT');
    expect((c.body as ErrorBody).error.json.data.path).toBe('relay.join');
  });

  it('answers 401 without a session, with a forged or expired token and after sign-out', async () => {
    const relayId = await openTestRelay(w);
    const [itemId] = await itemIds(relayId);
    const h = w.community.households[4]!;
    const input = joinInput(relayId, h.id, itemId!);
    expect((await post(input, null)).status).toBe(401);
    const good = await cookieFor(w.residents.get(h.id)!);
    const parts = sessionTokenFrom(good)!.split('.');
    parts[3] = (parts[3]!.startsWith('A') ? 'B' : 'A') + parts[3]!.slice(1);
    const forged = `next-auth.session-token=${parts.join('.')}`;
    expect((await post(input, forged)).status).toBe(401);
    const expired = await cookieFor(w.residents.get(h.id)!, -60);
    expect((await post(input, expired)).status).toBe(401);
    const ended = await cookieFor(w.residents.get(h.id)!);
    const token = sessionTokenFrom(ended)!;
    const payload = (await decodeSessionToken(token, SECRET)) as { sid: string };
    await endSession({ ctx: w.ctx(null), input: { sessionId: payload.sid } });
    expect((await post(input, ended)).status).toBe(401);
    // Nothing was ordered by any of them.
    expect((await post(input, good)).status).toBe(200);
  });

  it('answers 403 to a non-member and 400 INVALID_INPUT to a malformed join', async () => {
    const relayId = await openTestRelay(w);
    const [itemId] = await itemIds(relayId);
    const h = w.community.households[5]!;
    const stranger = await makeUser(database.db);
    const s = await post(joinInput(relayId, h.id, itemId!), await cookieFor(stranger));
    expect(s.status).toBe(403);
    const bad = await post(
      { ...joinInput(relayId, h.id, itemId!), lines: [] },
      await cookieFor(w.residents.get(h.id)!),
    );
    expect(bad.status).toBe(400);
    expect(appCode(bad)).toBe('INVALID_INPUT');
  });
});

/** The same request through the tRPC route (what Next serves), as the given user. */
async function viaTrpcRoute(input: unknown, user: SessionUser | null, batch = false): Promise<Answer> {
  const handler = makeTrpcHandler(appRouter, async (req, requestId) =>
    createContext({ database, user, headers: req.headers, requestId }),
  );
  const payload = superjson.serialize(input);
  const res = await handler(
    new Request(`http://linli.test/api/trpc/relay.join${batch ? '?batch=1' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch ? { 0: payload } : payload),
    }),
  );
  return { status: res.status, body: await res.json() };
}

describe('the lean path answers exactly as the tRPC route', () => {
  it('for a sold-out refusal, a limit refusal, a stranger and no session, alone and batched', async () => {
    const relayId = await openTestRelay(w, {
      items: [{ product: 'veg', stockCap: 1, perHouseholdLimit: 1 }],
    });
    const [itemId] = await itemIds(relayId);
    const [h0, h1] = w.community.households.slice(6, 8);
    const r0 = w.residents.get(h0!.id)!;
    const r1 = w.residents.get(h1!.id)!;
    expect((await post(joinInput(relayId, h0!.id, itemId!), await cookieFor(r0))).status).toBe(200);
    const over = { ...joinInput(relayId, h0!.id, itemId!) };
    const soldOut = joinInput(relayId, h1!.id, itemId!);
    const stranger = await makeUser(database.db);
    for (const batch of [false, true]) {
      expect(await post(soldOut, await cookieFor(r1), batch)).toEqual(await viaTrpcRoute(soldOut, r1, batch));
      expect(await post(over, await cookieFor(r0), batch)).toEqual(await viaTrpcRoute(over, r0, batch));
      expect(await post(soldOut, await cookieFor(stranger), batch)).toEqual(
        await viaTrpcRoute(soldOut, stranger, batch),
      );
      expect(await post(soldOut, null, batch)).toEqual(await viaTrpcRoute(soldOut, null, batch));
    }
  });
});

async function itemIds(relayId: string): Promise<string[]> {
  const { relayItems } = await import('@/db/schema');
  const { eq } = await import('drizzle-orm');
  const rows = await database.db
    .select({ id: relayItems.id })
    .from(relayItems)
    .where(eq(relayItems.relayId, relayId));
  return rows.map((r) => r.id);
}
