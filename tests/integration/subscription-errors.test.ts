/**
 * Issue 11 item 2: a subscription that cannot start (unknown, upper-case or foreign relay or
 * merchant id) streams the same NOT_FOUND with the app code as the matching query — not an
 * INTERNAL_SERVER_ERROR. Driven through the real fetch adapter, reading the SSE stream.
 */
import { randomUUID } from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson, { type SuperJSONResult } from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeMerchant } from '@/tests/helpers/relay-fixtures';
import { makeRelayWorld, openTestRelay, type RelayWorld } from '@/tests/helpers/relay-world';

let database: Database;
let w: RelayWorld;
let other: RelayWorld;
let relayId: string;
let foreignRelayId: string;
let foreignMerchantId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const small = { buildings: 1, stairwellsPerBuilding: 1, householdsPerStairwell: 2 };
  w = await makeRelayWorld(database, small);
  other = await makeRelayWorld(database, small);
  relayId = await openTestRelay(w);
  foreignRelayId = await openTestRelay(other);
  foreignMerchantId = (await makeMerchant(database.db, { name: '别家超市' })).id;
});
afterAll(async () => {
  await database.close();
});

type StreamError = { code: string; appCode: string | null; httpStatus: number };

/** Opens the SSE stream and returns the first serialized error (or 'data' when data came first). */
async function firstStreamError(
  path: string,
  input: unknown,
  user: SessionUser,
): Promise<StreamError | 'data'> {
  const url = new URL(`http://localhost/api/trpc/${path}`);
  url.searchParams.set('input', JSON.stringify(superjson.serialize(input)));
  const ac = new AbortController();
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(url, { signal: ac.signal }),
    router: appRouter,
    createContext: () => createContext({ database, user }),
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended without an error or data: ${text}`);
      text += value;
      const events = text.split('\n\n');
      for (const block of events.slice(0, -1)) {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'serialized-error') {
          const shape = superjson.deserialize<{ data: StreamError }>(JSON.parse(data!) as SuperJSONResult);
          return shape.data;
        }
        if (!event && data) return 'data';
      }
    }
  } finally {
    ac.abort();
    await reader.cancel().catch(() => undefined);
  }
}

async function queryError(run: () => Promise<unknown>) {
  try {
    await run();
    return null;
  } catch (e) {
    const err = e as { code: string; cause?: { code?: string } };
    return { code: err.code, appCode: err.cause?.code ?? null };
  }
}

describe('relay.onChange refuses like relay.get', () => {
  it('an unknown relay id: NOT_FOUND / RELAY_NOT_FOUND, as the query', async () => {
    const input = { communityId: w.community.id, relayId: randomUUID() };
    const q = await queryError(() => callerFor(database, w.roles.resident).relay.get(input));
    expect(q).toEqual({ code: 'NOT_FOUND', appCode: 'RELAY_NOT_FOUND' });
    const s = await firstStreamError('relay.onChange', input, w.roles.resident);
    expect(s).toMatchObject({ code: 'NOT_FOUND', appCode: 'RELAY_NOT_FOUND', httpStatus: 404 });
  });

  it("another compound's relay: NOT_FOUND, as the query", async () => {
    const input = { communityId: w.community.id, relayId: foreignRelayId };
    const q = await queryError(() => callerFor(database, w.roles.resident).relay.get(input));
    expect(q?.code).toBe('NOT_FOUND');
    const s = await firstStreamError('relay.onChange', input, w.roles.resident);
    expect(s).toMatchObject({ code: 'NOT_FOUND', appCode: q!.appCode });
  });

  it('an upper-case relay id gets the same answer from the stream as from the query', async () => {
    const input = { communityId: w.community.id, relayId: relayId.toUpperCase() };
    const q = await queryError(() => callerFor(database, w.roles.resident).relay.get(input));
    const s = await firstStreamError('relay.onChange', input, w.roles.resident);
    if (q === null) expect(s).toBe('data');
    else expect(s).toMatchObject({ code: q.code, appCode: q.appCode });
  });

  it('a known relay of my compound streams data', async () => {
    const s = await firstStreamError(
      'relay.onChange',
      { communityId: w.community.id, relayId },
      w.roles.resident,
    );
    expect(s).toBe('data');
  });
});

describe('relay.onChangeForMerchant refuses like relay.getForMerchant', () => {
  it('a merchant I am not on: NOT_FOUND / MERCHANT_NOT_FOUND', async () => {
    const input = { merchantId: foreignMerchantId, relayId };
    const q = await queryError(() => callerFor(database, w.merchant.owner).relay.getForMerchant(input));
    expect(q).toEqual({ code: 'NOT_FOUND', appCode: 'MERCHANT_NOT_FOUND' });
    const s = await firstStreamError('relay.onChangeForMerchant', input, w.merchant.owner);
    expect(s).toMatchObject({ code: 'NOT_FOUND', appCode: 'MERCHANT_NOT_FOUND', httpStatus: 404 });
  });

  it("an unknown or another merchant's relay: NOT_FOUND with the query's app code", async () => {
    for (const rid of [randomUUID(), foreignRelayId]) {
      const input = { merchantId: w.merchant.id, relayId: rid };
      const q = await queryError(() => callerFor(database, w.merchant.owner).relay.getForMerchant(input));
      expect(q?.code).toBe('NOT_FOUND');
      const s = await firstStreamError('relay.onChangeForMerchant', input, w.merchant.owner);
      expect(s).toMatchObject({ code: 'NOT_FOUND', appCode: q!.appCode });
    }
  });
});
