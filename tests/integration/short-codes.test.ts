/**
 * 短码 (issue 13 item 3) on a real database (PGlite, or PostgreSQL when DATABASE_URL is set): every
 * bag gets a 6-character code at dispatch, unique per compound and delivery day even when several
 * trucks are dispatched at once (a unique index, drawn again on collision); check-off accepts it
 * typed in, online and as a queued offline check-off synced later; a code of another stairwell is
 * refused exactly as its QR is.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { bagCodes, bags } from '@/db/schema';
import { assignBagCodes } from '@/server/services/distribution/bag-short-codes';
import { isShortCode } from '@/server/services/distribution/short-code';
import { encodeBagCode } from '@/server/services/shared/bag-code';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import {
  makeDistributionScene,
  makeDistMerchant,
  makeRelayWithOrders,
  type DistributionScene,
} from '@/tests/helpers/distribution-fixtures';

let database: Database;
const T0 = new Date('2022-04-12T14:00:00Z');
let clock = T0;
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const as = (user: SessionUser | null) => callerFor(database, user, () => clock);

beforeAll(async () => {
  delete process.env.LINLI_TEST_DWELL_SECONDS;
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function refusal(p: Promise<unknown>): Promise<{ code: string; appCode: string | null }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return { code: err.code ?? 'UNKNOWN', appCode: err.cause?.code ?? null };
  }
  throw new Error('expected the call to be refused, it succeeded');
}

async function codesOf(communityId: string) {
  return database.db.select().from(bagCodes).where(eq(bagCodes.communityId, communityId));
}

function dispatch(s: DistributionScene, merchant: DistributionScene['merchant'], relayId: string) {
  return as(merchant.staff).distribution.dispatch({
    merchantId: merchant.id,
    communityId: s.community.id,
    relayIds: [relayId],
    eta: at(60),
    vehiclePlate: '沪A·12345',
    driverName: '李师傅',
    driverPhone: '13900000099',
  });
}

/** Arrived, disinfected and released: bags ready to carry. */
async function toStairs(s: DistributionScene, deliveryId: string) {
  const c = s.community.id;
  clock = at(50);
  const arrival = await as(s.volunteer).distribution.recordArrival({
    communityId: c,
    deliveryId,
    packageCount: 8,
  });
  await as(s.volunteer).distribution.recordDisinfection({
    communityId: c,
    batchId: arrival.batchId,
    agent: '含氯消毒剂',
    concentration: '500 mg/L',
    method: 'spray',
  });
  clock = at(80);
  await as(s.volunteer).distribution.release({ communityId: c, batchId: arrival.batchId });
}

describe('short codes at dispatch', () => {
  it('are unique per compound and delivery day when four trucks are dispatched at once', async () => {
    clock = T0;
    const s = await makeDistributionScene(database.db);
    const c = s.community;
    // Three more merchants' relays for the same day and compound, from every household.
    const relays = [s.relay];
    const merchants = [s.merchant];
    for (const name of ['隔壁生鲜', '秀州蔬果', '永良食品']) {
      const m = await makeDistMerchant(database.db, name);
      merchants.push(m);
      relays.push(
        await makeRelayWithOrders(
          database.db,
          c,
          m,
          c.households.map((h) => h.id),
        ),
      );
    }
    const expected = relays.reduce((n, r) => n + r.orders.length, 0);
    await Promise.all(relays.map((r, i) => dispatch(s, merchants[i]!, r.id)));

    const codes = await codesOf(c.id);
    expect(codes).toHaveLength(expected);
    expect(new Set(codes.map((x) => x.orderId)).size).toBe(expected);
    expect(new Set(codes.map((x) => `${x.deliveryDate}:${x.code}`)).size).toBe(expected);
    for (const x of codes) {
      expect(isShortCode(x.code)).toBe(true);
      expect(x.deliveryDate).toBe('2022-04-12');
    }
    // Dispatching again (or printing labels) keeps the codes it has.
    expect(
      await assignBagCodes(
        database.db,
        c.id,
        relays.map((r) => r.id),
      ),
    ).toBe(0);
    expect((await codesOf(c.id)).map((x) => x.code).sort()).toEqual(codes.map((x) => x.code).sort());
  });

  it('the index refuses a duplicate, and a drawn code that is taken is drawn again', async () => {
    clock = T0;
    const s = await makeDistributionScene(database.db);
    const c = s.community.id;
    const m = await makeDistMerchant(database.db, '第二家');
    const second = await makeRelayWithOrders(database.db, s.community, m, [s.community.households[0]!.id]);
    await dispatch(s, s.merchant, s.relay.id);
    const [taken] = await codesOf(c);

    // The unique index itself: the same code on the same day in one compound cannot be written.
    await expect(
      database.db.insert(bagCodes).values({
        communityId: c,
        orderId: second.orders[0]!.id,
        deliveryDate: taken!.deliveryDate,
        code: taken!.code,
      }),
    ).rejects.toThrow();

    // A draw that first hits the taken code tries again and gets a free one.
    const draws = [taken!.code, taken!.code, 'K7M4XP'];
    const made = await database.db.transaction((tx) =>
      assignBagCodes(tx, c, [second.id], () => draws.shift() ?? 'WXY346'),
    );
    expect(made).toBe(1);
    const [mine] = await database.db
      .select()
      .from(bagCodes)
      .where(and(eq(bagCodes.communityId, c), eq(bagCodes.orderId, second.orders[0]!.id)));
    expect(mine!.code).toBe('K7M4XP');

    // Another compound may use the same code on the same day.
    const other = await makeDistributionScene(database.db);
    await expect(
      database.db.transaction((tx) =>
        assignBagCodes(tx, other.community.id, [other.relay.id], () => 'K7M4XP'),
      ),
    ).rejects.toThrow(/could not give every bag/); // 8 bags cannot all be K7M4XP…
    const single = await makeRelayWithOrders(database.db, other.community, other.merchant, [
      other.community.households[0]!.id,
    ]);
    expect(await assignBagCodes(database.db, other.community.id, [single.id], () => 'K7M4XP')).toBe(1);
  });
});

describe('short codes at check-off', () => {
  it('are accepted typed in, online and as a queued offline check-off; another stairwell’s is refused like its QR', async () => {
    clock = T0;
    const s = await makeDistributionScene(database.db);
    const c = s.community.id;
    const { deliveryId } = await dispatch(s, s.merchant, s.relay.id);
    await toStairs(s, deliveryId);
    const codes = new Map((await codesOf(c)).map((x) => [x.orderId, x.code]));
    const inS0 = s.relay.orders.filter((o) => o.stairwellId === s.community.stairwells[0]!.id);
    const inS1 = s.relay.orders.filter((o) => o.stairwellId === s.community.stairwells[1]!.id);

    // The list the phone keeps for offline use carries each bag's 短码, only for my stairwells.
    const list = await as(s.volunteer).distribution.checkoffBags({ communityId: c });
    expect(list.bags.map((b) => b.orderId).sort()).toEqual(inS0.map((o) => o.id).sort());
    for (const b of list.bags) expect(b.shortCode).toBe(codes.get(b.orderId));

    // Online: typed as a person would (lower case, a space).
    clock = at(90);
    const typed = codes
      .get(inS0[0]!.id)!
      .toLowerCase()
      .replace(/^(...)/, '$1 ');
    const online = await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: typed,
      outcome: 'delivered',
      clientAt: clock,
      via: 'manual',
    });
    expect(online).toMatchObject({ status: 'delivered', replayed: false });
    expect((await database.db.select().from(bags).where(eq(bags.id, online.bagId)))[0]!.orderId).toBe(
      inS0[0]!.id,
    );

    // Offline: the phone matched the code in its cached list (bagId + code) at minute 95 and
    // syncs at minute 140; the replay of the same queued check-off changes nothing.
    const bag1 = list.bags.find((b) => b.orderId === inS0[1]!.id)!;
    const queued = {
      communityId: c,
      checkoffId: randomUUID(),
      bagId: bag1.bagId,
      code: bag1.shortCode!,
      outcome: 'delivered' as const,
      clientAt: at(95),
      via: 'manual' as const,
    };
    clock = at(140);
    expect(await as(s.volunteer).distribution.checkOff(queued)).toMatchObject({ status: 'delivered' });
    expect(await as(s.volunteer).distribution.checkOff(queued)).toMatchObject({ replayed: true });
    const [b1] = await database.db.select().from(bags).where(eq(bags.id, bag1.bagId));
    expect(b1).toMatchObject({ status: 'delivered', clientAt: at(95), deliveredAt: at(95) });

    // Another stairwell's 短码 is refused as its QR is, and changes nothing.
    const theirs = inS1[0]!;
    const viaCode = await refusal(
      as(s.volunteer).distribution.checkOff({
        communityId: c,
        checkoffId: randomUUID(),
        code: codes.get(theirs.id)!,
        outcome: 'delivered',
        clientAt: clock,
      }),
    );
    const viaQr = await refusal(
      as(s.volunteer).distribution.checkOff({
        communityId: c,
        checkoffId: randomUUID(),
        code: encodeBagCode(c, theirs.id),
        outcome: 'delivered',
        clientAt: clock,
      }),
    );
    expect(viaCode).toEqual({ code: 'NOT_FOUND', appCode: 'BAG_NOT_FOUND' });
    expect(viaQr).toEqual(viaCode);
    // A code of this bag with another bag's id, an unknown code, another compound's volunteer.
    expect(
      await refusal(
        as(s.volunteer).distribution.checkOff({
          ...queued,
          checkoffId: randomUUID(),
          bagId: list.bags.find((b) => b.orderId === inS0[2]!.id)!.bagId,
        }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', appCode: 'BAG_CODE_INVALID' });
    const unused = ['K7M4XP', 'WXY346', 'HJK799'].find((x) => ![...codes.values()].includes(x))!;
    expect(
      await refusal(
        as(s.volunteer).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          code: unused,
          outcome: 'delivered',
          clientAt: clock,
        }),
      ),
    ).toEqual({ code: 'BAD_REQUEST', appCode: 'BAG_CODE_INVALID' });
    expect(
      await refusal(
        as(s.otherVolunteer).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          code: codes.get(inS0[2]!.id)!,
          outcome: 'delivered',
          clientAt: clock,
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const [theirBag] = await database.db.select().from(bags).where(eq(bags.orderId, theirs.id));
    expect(theirBag!.status).toBe('pending');
  });
});
