/**
 * The gate-to-door stretch on a real database (PGlite, or PostgreSQL when DATABASE_URL is set):
 * dispatch, arrival, disinfection, release, check-off, residents, shortfall settlement, the board.
 * Refunds go through the local Stripe mock and are counted there.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '@/db/client';
import { bagEvents, bags, batches, notifications, orderLines, orders, refunds, relays } from '@/db/schema';
import { LocalDiskStorage, setFileStorage } from '@/server/files/storage';
import { encodeBagCode } from '@/server/services/shared/bag-code';
import type { SessionUser } from '@/server/services/shared/context';
import { watchDistribution, type DistributionEvent } from '@/server/services/distribution/events';
import { callerFor, serviceCtx } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import {
  makeDistributionScene,
  makeResident,
  type DistributionScene,
} from '@/tests/helpers/distribution-fixtures';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let stripe: TestStripe;
const T0 = new Date('2022-04-12T14:00:00Z'); // 22:00 in Shanghai: trucks came at night
let clock = T0;
const now = () => clock;
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

beforeAll(async () => {
  delete process.env.LINLI_TEST_DWELL_SECONDS;
  database = await createTestDatabase();
  stripe = await startTestStripe();
});
afterAll(async () => {
  await stripe?.close();
  await database?.close();
});

const as = (user: SessionUser | null) => callerFor(database, user, now);

/** A rejected call's tRPC code and service code. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; appCode: string | null }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return { code: err.code ?? 'UNKNOWN', appCode: err.cause?.code ?? null };
  }
  throw new Error('expected the call to be refused, it succeeded');
}

async function scene(opts: Parameters<typeof makeDistributionScene>[1] = {}) {
  clock = T0;
  return makeDistributionScene(database.db, { stripe: stripe.client, ...opts });
}

/** Dispatched, arrived, disinfected and (optionally) released. */
async function toGate(s: DistributionScene, release = true) {
  const c = s.community.id;
  const { deliveryId } = await as(s.merchant.staff).distribution.dispatch({
    merchantId: s.merchant.id,
    communityId: s.community.id,
    relayIds: [s.relay.id],
    eta: at(60),
    vehiclePlate: '沪A·12345',
    driverName: '李师傅',
    driverPhone: '13900000099',
  });
  clock = at(50);
  const arrival = await as(s.volunteer).distribution.recordArrival({
    communityId: c,
    deliveryId,
    packageCount: 12,
  });
  await as(s.volunteer).distribution.recordDisinfection({
    communityId: c,
    batchId: arrival.batchId,
    agent: '含氯消毒剂',
    concentration: '500 mg/L',
    method: 'spray',
  });
  if (release) {
    clock = at(50 + 30);
    await as(s.volunteer).distribution.release({ communityId: c, batchId: arrival.batchId });
  }
  return { deliveryId, batchId: arrival.batchId, bags: arrival.bags };
}

async function bagOf(communityId: string, orderId: string) {
  const [b] = await database.db
    .select()
    .from(bags)
    .where(and(eq(bags.communityId, communityId), eq(bags.orderId, orderId)));
  return b!;
}

async function relayStatus(s: DistributionScene) {
  const [r] = await database.db
    .select({ status: relays.status })
    .from(relays)
    .where(eq(relays.id, s.relay.id));
  return r!.status;
}

describe('dispatch and arrival', () => {
  it('turns a formed relay into a batch with one bag per paid order, refusing every illegal step', async () => {
    const s = await scene();
    const c = s.community.id;
    const dispatchInput = {
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayIds: [s.relay.id],
      eta: at(60),
      vehiclePlate: '沪A·1',
      driverName: '李',
      driverPhone: '',
    };

    expect(await refusal(as(null).distribution.dispatch(dispatchInput))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await refusal(as(s.admin).distribution.dispatch(dispatchInput))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await refusal(as(s.merchant.staff).distribution.dispatch({ ...dispatchInput, eta: at(60 * 24 * 30) })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'ETA_OUT_OF_RANGE',
    });

    const { deliveryId } = await as(s.merchant.staff).distribution.dispatch(dispatchInput);
    expect(await relayStatus(s)).toBe('dispatched');
    expect(await refusal(as(s.merchant.owner).distribution.dispatch(dispatchInput))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'RELAY_ALREADY_DISPATCHED',
    });

    const arrival = { communityId: c, deliveryId, packageCount: 8, receivedByName: '门卫老周' };
    expect(await refusal(as(null).distribution.recordArrival(arrival))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(await refusal(as(s.resident).distribution.recordArrival(arrival))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(s.otherVolunteer).distribution.recordArrival(arrival))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await refusal(as(s.otherVolunteer).distribution.recordArrival({ ...arrival, communityId: s.other.id })),
    ).toMatchObject({ code: 'NOT_FOUND', appCode: 'DELIVERY_NOT_FOUND' });

    clock = at(55);
    const result = await as(s.volunteer).distribution.recordArrival(arrival);
    expect(result.bags).toBe(s.relay.orders.length);
    expect(await relayStatus(s)).toBe('arrived');
    const [batch] = await database.db.select().from(batches).where(eq(batches.id, result.batchId));
    expect(batch!.status).toBe('received');
    const bagRows = await database.db.select().from(bags).where(eq(bags.batchId, result.batchId));
    expect(new Set(bagRows.map((b) => b.orderId))).toEqual(new Set(s.relay.orders.map((o) => o.id)));
    expect(bagRows.every((b) => b.status === 'pending')).toBe(true);

    expect(await refusal(as(s.volunteer).distribution.recordArrival(arrival))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'DELIVERY_ALREADY_ARRIVED',
    });
    const gate = await as(s.volunteer).distribution.gate({ communityId: c });
    expect(gate.enRoute).toHaveLength(0);
    expect(gate.batches[0]).toMatchObject({
      batchId: result.batchId,
      status: 'received',
      packageCount: 8,
      receivedByName: '门卫老周',
    });
    expect(gate.batches[0]!.bags.total).toBe(s.relay.orders.length);
  });

  it('refuses to dispatch a relay that has not formed', async () => {
    const s = await scene();
    await database.db.update(relays).set({ status: 'open' }).where(eq(relays.id, s.relay.id));
    expect(
      await refusal(
        as(s.merchant.owner).distribution.dispatch({
          merchantId: s.merchant.id,
          communityId: s.community.id,
          relayIds: [s.relay.id],
          eta: at(60),
          vehiclePlate: '',
          driverName: '',
          driverPhone: '',
        }),
      ),
    ).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'RELAY_NOT_FORMED' });
  });
});

describe('disinfection and release', () => {
  it('releases only after the dwell by the server clock, with one disinfection record', async () => {
    const s = await scene();
    const c = s.community.id;
    const { deliveryId } = await as(s.merchant.staff).distribution.dispatch({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayIds: [s.relay.id],
      eta: at(60),
      vehiclePlate: '',
      driverName: '',
      driverPhone: '',
    });
    const { batchId } = await as(s.volunteer).distribution.recordArrival({
      communityId: c,
      deliveryId,
      packageCount: 8,
    });
    const disinfect = {
      communityId: c,
      batchId,
      agent: '75% 酒精',
      concentration: '75%',
      method: 'wipe' as const,
    };

    expect(await refusal(as(s.volunteer).distribution.release({ communityId: c, batchId }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BATCH_NOT_DISINFECTED',
    });
    expect(await refusal(as(s.resident).distribution.recordDisinfection(disinfect))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(null).distribution.recordDisinfection(disinfect))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(
      await refusal(as(s.volunteer).distribution.recordDisinfection({ ...disinfect, dwellMinutes: 10 })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'DWELL_TOO_SHORT',
    });

    clock = at(10);
    const rec = await as(s.volunteer).distribution.recordDisinfection(disinfect);
    expect(rec.dwellSeconds).toBe(30 * 60);
    expect(rec.releasableAt).toEqual(at(40));
    expect(
      await refusal(as(s.volunteer2).distribution.recordDisinfection({ ...disinfect, agent: '含氯消毒剂' })),
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'DISINFECTION_ALREADY_RECORDED',
    });

    clock = new Date(at(40).getTime() - 1000);
    const early = await refusal(as(s.volunteer).distribution.release({ communityId: c, batchId }));
    expect(early).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'DWELL_NOT_PASSED' });
    const [still] = await database.db.select().from(batches).where(eq(batches.id, batchId));
    expect(still).toMatchObject({ status: 'disinfecting', releasedAt: null, disinfectionAgent: '75% 酒精' });
    expect(await refusal(as(s.resident).distribution.release({ communityId: c, batchId }))).toMatchObject({
      code: 'FORBIDDEN',
    });

    clock = at(40);
    const released = await as(s.volunteer).distribution.release({ communityId: c, batchId });
    expect(released.status).toBe('released');
    expect(await relayStatus(s)).toBe('distributing');
    expect(await refusal(as(s.volunteer).distribution.release({ communityId: c, batchId }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BATCH_ALREADY_RELEASED',
    });
  });

  it('a database constraint refuses an early release even if code tried', async () => {
    const s = await scene();
    const { batchId } = await toGate(s, false);
    await expect(
      database.db
        .update(batches)
        .set({ status: 'released', releasedAt: at(51) })
        .where(eq(batches.id, batchId)),
    ).rejects.toThrow();
  });
});

describe('check-off', () => {
  it('is refused before release, outside the stairwells, and for forged, unknown or foreign codes', async () => {
    const s = await scene();
    const c = s.community.id;
    const { batchId } = await toGate(s, false);
    const mine = s.relay.orders.find((o) => o.stairwellId === s.community.stairwells[0]!.id)!;
    const theirs = s.relay.orders.find((o) => o.stairwellId === s.community.stairwells[1]!.id)!;
    const checkOff = (user: SessionUser, extra: Record<string, unknown>) =>
      as(user).distribution.checkOff({
        communityId: c,
        checkoffId: randomUUID(),
        outcome: 'delivered',
        clientAt: clock,
        ...extra,
      });

    expect(await refusal(checkOff(s.volunteer, { code: encodeBagCode(c, mine.id) }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BATCH_NOT_RELEASED',
    });
    clock = at(80);
    await as(s.volunteer).distribution.release({ communityId: c, batchId });

    expect(await refusal(checkOff(s.volunteer, { code: encodeBagCode(c, theirs.id) }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'BAG_NOT_FOUND',
    });
    const theirBag = await bagOf(c, theirs.id);
    expect(await refusal(checkOff(s.volunteer, { bagId: theirBag.id }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'BAG_NOT_FOUND',
    });
    const forged = encodeBagCode(c, mine.id).replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    expect(await refusal(checkOff(s.volunteer, { code: forged }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'BAG_CODE_INVALID',
    });
    expect(await refusal(checkOff(s.volunteer, { code: encodeBagCode(s.other.id, mine.id) }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'BAG_CODE_INVALID',
    });
    expect(await refusal(checkOff(s.volunteer, { code: encodeBagCode(c, randomUUID()) }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'BAG_NOT_FOUND',
    });
    expect(await refusal(checkOff(s.volunteer, { code: 'hello' }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'BAG_CODE_INVALID',
    });
    expect(await refusal(checkOff(s.resident, { code: encodeBagCode(c, mine.id) }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(checkOff(s.otherVolunteer, { code: encodeBagCode(c, mine.id) }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await refusal(
        as(null).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          outcome: 'delivered',
          clientAt: clock,
          code: encodeBagCode(c, mine.id),
        }),
      ),
    ).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(
      await refusal(checkOff(s.volunteer, { code: encodeBagCode(c, mine.id), outcome: 'exception' })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'EXCEPTION_KIND_REQUIRED',
    });

    // Nothing of the above changed a bag.
    const pending = await database.db
      .select()
      .from(bags)
      .where(and(eq(bags.communityId, c), eq(bags.status, 'pending')));
    expect(pending).toHaveLength(s.relay.orders.length);
    expect(await database.db.$count(bagEvents, eq(bagEvents.communityId, c))).toBe(0);
  });

  it('is idempotent by the phone’s check-off id, and a second delivery of the same bag is refused', async () => {
    const s = await scene();
    const c = s.community.id;
    await toGate(s);
    const mine = s.relay.orders.find((o) => o.stairwellId === s.community.stairwells[0]!.id)!;
    const checkoffId = randomUUID();
    const offlineAt = at(70); // the phone's clock, before it could sync
    clock = at(120);
    const input = {
      communityId: c,
      checkoffId,
      code: encodeBagCode(c, mine.id),
      outcome: 'delivered' as const,
      clientAt: offlineAt,
    };
    const first = await as(s.volunteer).distribution.checkOff(input);
    const again = await as(s.volunteer).distribution.checkOff(input);
    expect(first).toMatchObject({ status: 'delivered', replayed: false });
    expect(again).toMatchObject({ status: 'delivered', replayed: true });
    expect(await database.db.$count(bagEvents, eq(bagEvents.bagId, first.bagId))).toBe(1);
    const bag = await bagOf(c, mine.id);
    // Released at minute 80: an offline check-off cannot predate the release.
    expect(bag).toMatchObject({
      status: 'delivered',
      deliveredBy: s.volunteer.id,
      deliveredAt: at(80),
      clientAt: offlineAt,
    });
    const [order] = await database.db
      .select({ status: orders.status })
      .from(orders)
      .where(eq(orders.id, mine.id));
    expect(order!.status).toBe('fulfilled');

    expect(
      await refusal(as(s.volunteer).distribution.checkOff({ ...input, checkoffId: randomUUID() })),
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BAG_ALREADY_DELIVERED',
    });
    const other = s.relay.orders.find(
      (o) => o.stairwellId === s.community.stairwells[0]!.id && o.id !== mine.id,
    )!;
    expect(
      await refusal(as(s.volunteer).distribution.checkOff({ ...input, code: encodeBagCode(c, other.id) })),
    ).toMatchObject({ code: 'CONFLICT', appCode: 'CHECKOFF_ID_REUSED' });

    // Five replays of one offline check-off racing each other still make one change.
    const raceId = randomUUID();
    const raced = await Promise.all(
      Array.from({ length: 5 }, () =>
        as(s.volunteer).distribution.checkOff({
          communityId: c,
          checkoffId: raceId,
          code: encodeBagCode(c, other.id),
          outcome: 'delivered',
          clientAt: at(119),
        }),
      ),
    );
    expect(raced.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await database.db.$count(bagEvents, eq(bagEvents.id, raceId))).toBe(1);
  });

  it('records exceptions, retries them, completes the batch and the relay, and tells residents', async () => {
    const s = await scene();
    const c = s.community.id;
    const { batchId } = await toGate(s);
    const residentOrder = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    const exceptionBag = await bagOf(c, residentOrder.id);
    clock = at(90);
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      bagId: exceptionBag.id,
      outcome: 'exception',
      exceptionKind: 'nobody_home',
      note: '敲门无人',
      clientAt: clock,
    });
    const list = await as(s.volunteer).distribution.checkoffBags({ communityId: c });
    expect(list.bags.every((b) => b.stairwellId === s.community.stairwells[0]!.id)).toBe(true);
    expect(list.bags.find((b) => b.bagId === exceptionBag.id)).toMatchObject({
      status: 'exception',
      exceptionKind: 'nobody_home',
    });
    // Route order: floor, then room.
    const keys = list.bags.map((b) => `${b.floor}-${b.room}`);
    expect(keys).toEqual([...keys].sort());
    expect(list.bags[0]!.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(list.bags)).not.toMatch(/phone|Fen/i);

    const seen = await as(s.resident).distribution.myBags({ communityId: c });
    expect(seen.orders[0]).toMatchObject({ stage: 'exception', bag: { exceptionKind: 'nobody_home' } });
    const told = await database.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.userId, s.resident.id), eq(notifications.kind, 'distribution.bag_exception')),
      );
    expect(told).toHaveLength(1);

    // The bag was hung on the door: the resident confirms, which delivers it.
    await as(s.resident).distribution.confirm({ communityId: c, bagId: exceptionBag.id });
    expect((await bagOf(c, residentOrder.id)).status).toBe('delivered');

    // Everyone else's bag by both stairwell volunteers: the batch and the relay complete.
    for (const o of s.relay.orders) {
      if (o.id === residentOrder.id) continue;
      const volunteer = o.stairwellId === s.community.stairwells[0]!.id ? s.volunteer : s.volunteer2;
      expect(
        (
          await database.db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId))
        )[0]!.status,
      ).not.toBe('completed');
      await as(volunteer).distribution.checkOff({
        communityId: c,
        checkoffId: randomUUID(),
        code: encodeBagCode(c, o.id),
        outcome: 'delivered',
        clientAt: clock,
      });
    }
    const [done] = await database.db.select().from(batches).where(eq(batches.id, batchId));
    expect(done!.status).toBe('completed');
    expect(done!.completedAt).toEqual(at(90));
    expect(await relayStatus(s)).toBe('completed');
  });

  it('a coordinator may check off any stairwell; the last two bags racing still complete the batch', async () => {
    const s = await scene({ qty: (i) => (i < 2 ? 1 : 0) });
    const c = s.community.id;
    const { batchId } = await toGate(s);
    await Promise.all(
      s.relay.orders.map((o) =>
        as(s.admin).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          code: encodeBagCode(c, o.id),
          outcome: 'delivered',
          clientAt: clock,
        }),
      ),
    );
    const [done] = await database.db
      .select({ status: batches.status })
      .from(batches)
      .where(eq(batches.id, batchId));
    expect(done!.status).toBe('completed');
  });
});

describe('residents', () => {
  it('see where their bag is, step by step, and nobody else’s', async () => {
    const s = await scene();
    const c = s.community.id;
    const before = await as(s.resident).distribution.myBags({ communityId: c });
    expect(before.orders).toHaveLength(1);
    expect(before.orders[0]!.stage).toBe('waiting_dispatch');
    const { batchId } = await toGate(s, false);
    const disinfecting = await as(s.resident).distribution.myBags({ communityId: c });
    expect(disinfecting.orders[0]).toMatchObject({
      stage: 'disinfecting',
      bag: { disinfectionStartedAt: at(50), releasableAt: at(80) },
    });
    clock = at(80);
    await as(s.volunteer).distribution.release({ communityId: c, batchId });
    expect((await as(s.resident).distribution.myBags({ communityId: c })).orders[0]!.stage).toBe('released');
    const order = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    clock = at(95);
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: encodeBagCode(c, order.id),
      outcome: 'delivered',
      clientAt: clock,
    });
    const delivered = await as(s.resident).distribution.myBags({ communityId: c });
    expect(delivered.orders[0]).toMatchObject({
      stage: 'delivered',
      bag: { deliveredAt: at(95), deliveredBy: '王*' },
    });

    const bag = await bagOf(c, order.id);
    const neighbour = await makeResident(database.db, c, s.community.households[1]!.id, '李建华');
    expect(
      await refusal(as(neighbour).distribution.confirm({ communityId: c, bagId: bag.id })),
    ).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'BAG_NOT_FOUND',
    });
    expect(await refusal(as(s.volunteer).distribution.myBags({ communityId: c }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(null).distribution.myBags({ communityId: c }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });

    const first = await as(s.resident).distribution.confirm({ communityId: c, bagId: bag.id });
    const second = await as(s.resident).distribution.confirm({ communityId: c, bagId: bag.id });
    expect(second.confirmedAt).toEqual(first.confirmedAt);
  });

  it('report a problem the merchant accepts (one refund of the agreed amount) or rejects', async () => {
    const s = await scene();
    const c = s.community.id;
    await toGate(s);
    const order = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    const bag = await bagOf(c, order.id);
    const eggs = s.relay.items[1]!;
    const report = {
      communityId: c,
      bagId: bag.id,
      kind: 'damaged_item' as const,
      relayItemId: eggs.id,
      qty: 1,
      description: '鸡蛋碎了一盒',
      idempotencyKey: randomUUID(),
    };
    expect(await refusal(as(s.resident).distribution.reportProblem(report))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BAG_NOT_DELIVERED',
    });
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      bagId: bag.id,
      outcome: 'delivered',
      clientAt: clock,
    });
    expect(await refusal(as(s.resident).distribution.reportProblem({ ...report, qty: 3 }))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'PROBLEM_QTY_INVALID',
    });
    // Issue 13 item 2: an item problem names its item; nothing is chosen for the resident.
    for (const kind of ['missing_item', 'damaged_item'] as const) {
      for (const relayItemId of [null, undefined]) {
        expect(
          await refusal(as(s.resident).distribution.reportProblem({ ...report, kind, relayItemId })),
        ).toMatchObject({ code: 'BAD_REQUEST', appCode: 'PROBLEM_ITEM_REQUIRED' });
      }
    }
    expect(
      (
        await as(s.merchant.staff).distribution.relayDelivery({
          merchantId: s.merchant.id,
          communityId: s.community.id,
          relayId: s.relay.id,
        })
      ).problems,
    ).toHaveLength(0);
    expect(await refusal(as(s.volunteer).distribution.reportProblem(report))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const filed = await as(s.resident).distribution.reportProblem(report);
    const refiled = await as(s.resident).distribution.reportProblem(report);
    expect(refiled).toMatchObject({ reportId: filed.reportId, created: false });

    // The coordinators' board shows the open report and labels the batch with its relay.
    const notes = await as(s.owner).distribution.boardNotes({ communityId: c });
    expect(notes.openProblems).toEqual([
      expect.objectContaining({
        reportId: filed.reportId,
        kind: 'damaged_item',
        itemName: '土鸡蛋',
        qty: 1,
        description: '鸡蛋碎了一盒',
        relayTitle: s.relay.title,
      }),
    ]);
    expect(
      Object.values(notes.batchRelays)
        .flat()
        .map((r) => r.title),
    ).toContain(s.relay.title);

    const view = await as(s.merchant.staff).distribution.relayDelivery({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
    });
    expect(view.problems).toHaveLength(1);
    expect(view.problems[0]).toMatchObject({
      reportId: filed.reportId,
      itemName: '土鸡蛋',
      suggestedRefundFen: 4500,
      status: 'open',
    });

    const decide = {
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
      reportId: filed.reportId,
      decision: 'accept' as const,
      refundFen: 4500,
    };
    expect(await refusal(as(s.admin).distribution.decideProblem(decide))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await refusal(
        as(s.merchant.staff).distribution.decideProblem({ ...decide, refundFen: order.totalFen + 1 }),
      ),
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'REFUND_EXCEEDS_PAID',
    });
    const stripeBefore = stripe.mock.refunds().length;
    const [a, b] = await Promise.all([
      as(s.merchant.staff).distribution.decideProblem(decide),
      as(s.merchant.owner).distribution.decideProblem(decide),
    ]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(stripe.mock.refunds().length - stripeBefore).toBe(1);
    const rows = await database.db.select().from(refunds).where(eq(refunds.orderId, order.id));
    expect(rows.map((r) => [r.amountFen, r.reason, r.status])).toEqual([
      [4500, 'problem_accepted', 'succeeded'],
    ]);
    expect(
      await refusal(
        as(s.merchant.staff).distribution.decideProblem({
          ...decide,
          decision: 'reject',
          refundFen: null,
          note: 'no',
        }),
      ),
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'PROBLEM_ALREADY_DECIDED',
    });

    const second = await as(s.resident).distribution.reportProblem({
      ...report,
      kind: 'other',
      relayItemId: null,
      qty: null,
      description: '蔬菜不新鲜',
      idempotencyKey: randomUUID(),
    });
    await as(s.merchant.owner).distribution.decideProblem({
      ...decide,
      reportId: second.reportId,
      decision: 'reject',
      refundFen: null,
      note: '照片显示正常',
    });
    const mine = await as(s.resident).distribution.myBags({ communityId: c });
    expect(mine.orders[0]!.problems.map((p) => p.status).sort()).toEqual(['accepted', 'rejected']);
  });
});

describe('shortfall settlement', () => {
  it('refuses negative, more-than-ordered and unknown quantities, changing nothing', async () => {
    const s = await scene();
    const [rice, eggs] = s.relay.items;
    const settle = (items: { relayItemId: string; deliveredQty: number }[]) =>
      as(s.merchant.owner).distribution.settleShortfall({
        merchantId: s.merchant.id,
        communityId: s.community.id,
        relayId: s.relay.id,
        items,
      });
    const riceOrdered = s.relay.orders.reduce(
      (n, o) => n + (o.lines.find((l) => l.relayItemId === rice!.id)?.qty ?? 0),
      0,
    );
    expect(await refusal(settle([{ relayItemId: rice!.id, deliveredQty: -1 }]))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'DELIVERED_QTY_NEGATIVE',
    });
    expect(await refusal(settle([{ relayItemId: rice!.id, deliveredQty: riceOrdered + 1 }]))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'DELIVERED_QTY_EXCEEDS_ORDERED',
    });
    expect(await refusal(settle([{ relayItemId: randomUUID(), deliveredQty: 0 }]))).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'ITEM_NOT_IN_RELAY',
    });
    expect(await refusal(settle([{ relayItemId: eggs!.id, deliveredQty: 1.5 }]))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(
      await refusal(
        as(s.admin).distribution.settleShortfall({
          merchantId: s.merchant.id,
          communityId: s.community.id,
          relayId: s.relay.id,
          items: [],
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusal(
        as(null).distribution.settleShortfall({
          merchantId: s.merchant.id,
          communityId: s.community.id,
          relayId: s.relay.id,
          items: [],
        }),
      ),
    ).toMatchObject({ code: 'UNAUTHORIZED' });
    const lines = await database.db
      .select()
      .from(orderLines)
      .where(eq(orderLines.communityId, s.community.id));
    expect(lines.every((l) => l.fulfilledQty === null && l.refundedFen === 0)).toBe(true);
    expect(await database.db.$count(refunds, eq(refunds.communityId, s.community.id))).toBe(0);
  });

  it('refunds exactly the value not delivered, first come first served, once even when run twice at once', async () => {
    // Every household orders 2 bags of rice and 1 box of eggs.
    const s = await scene({ qty: (_i, item) => (item === 0 ? 2 : item === 1 ? 1 : 0) });
    await toGate(s);
    const c = s.community.id;
    const [rice, eggs] = s.relay.items;
    const ordered = s.relay.orders.length * 2;
    const items = [
      { relayItemId: rice!.id, deliveredQty: ordered - 3 }, // 3 bags short: the last joiner loses 2, the one before 1
      { relayItemId: eggs!.id, deliveredQty: s.relay.orders.length - 1 }, // the last joiner gets no eggs
    ];
    const preview = await as(s.merchant.staff).distribution.previewShortfall({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
      items,
    });
    const expectedTotal = 3 * rice!.unitPriceFen + eggs!.unitPriceFen;
    expect(preview.totalRefundFen).toBe(expectedTotal);
    expect(preview.households).toBe(2);

    const stripeBefore = stripe.mock.refunds().length;
    const input = { merchantId: s.merchant.id, communityId: s.community.id, relayId: s.relay.id, items };
    const [a, b] = await Promise.all([
      as(s.merchant.staff).distribution.settleShortfall(input),
      as(s.merchant.owner).distribution.settleShortfall(input),
    ]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    const newStripeRefunds = stripe.mock.refunds().slice(stripeBefore);
    expect(newStripeRefunds).toHaveLength(2);
    expect(newStripeRefunds.reduce((n, r) => n + r.amount, 0)).toBe(expectedTotal);

    const rows = await database.db
      .select()
      .from(refunds)
      .where(and(eq(refunds.communityId, c), eq(refunds.reason, 'shortfall')));
    expect(rows).toHaveLength(2);
    expect(rows.reduce((n, r) => n + r.amountFen, 0)).toBe(expectedTotal);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    const bySeq = [...s.relay.orders].sort((x, y) => x.seq - y.seq);
    const last = bySeq.at(-1)!;
    const beforeLast = bySeq.at(-2)!;
    expect(Object.fromEntries(rows.map((r) => [r.orderId, r.amountFen]))).toEqual({
      [last.id]: 2 * rice!.unitPriceFen + eggs!.unitPriceFen,
      [beforeLast.id]: rice!.unitPriceFen,
    });

    const lines = await database.db.select().from(orderLines).where(eq(orderLines.communityId, c));
    expect(lines.every((l) => l.fulfilledQty !== null)).toBe(true);
    const lastLines = lines.filter((l) => l.orderId === last.id);
    expect(lastLines.map((l) => l.fulfilledQty)).toEqual([0, 0]);
    expect(lastLines.reduce((n, l) => n + l.refundedFen, 0)).toBe(
      2 * rice!.unitPriceFen + eggs!.unitPriceFen,
    );
    const statuses = await database.db
      .select({ id: orders.id, status: orders.status })
      .from(orders)
      .where(eq(orders.relayId, s.relay.id));
    expect(
      statuses
        .filter((o) => o.status === 'short')
        .map((o) => o.id)
        .sort(),
    ).toEqual([last.id, beforeLast.id].sort());
    // The last joiner gets nothing: no bag to carry.
    expect((await bagOf(c, last.id)).status).toBe('refunded');

    const told = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.communityId, c), eq(notifications.kind, 'distribution.shortfall')));
    const payloads = told.map(
      (n) => n.payload as { seq: number; refundFen: number; lines: { shortQty: number }[] },
    );
    expect(payloads.map((p) => p.seq).sort()).toEqual([beforeLast.seq, last.seq].sort());
    expect(payloads.find((p) => p.seq === beforeLast.seq)).toMatchObject({
      refundFen: rice!.unitPriceFen,
      lines: [{ shortQty: 1 }],
    });

    // A third run with other numbers is a conflict; the same numbers again change nothing.
    expect(
      await refusal(
        as(s.merchant.owner).distribution.settleShortfall({
          ...input,
          items: [{ relayItemId: rice!.id, deliveredQty: 1 }],
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', appCode: 'SHORTFALL_ALREADY_SETTLED' });
    const replay = await as(s.merchant.owner).distribution.settleShortfall(input);
    expect(replay).toMatchObject({ replayed: true, totalRefundFen: expectedTotal });
    expect(stripe.mock.refunds().length - stripeBefore).toBe(2);

    const seen = await as(s.merchant.owner).distribution.relayDelivery({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
    });
    expect(seen.shortfall!.totalRefundFen).toBe(expectedTotal);
    expect(seen.bags.refunded).toBe(1);
  });

  it('nothing short: nobody is refunded, every line is fulfilled', async () => {
    const s = await scene();
    const r = await as(s.merchant.owner).distribution.settleShortfall({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
      items: [],
    });
    expect(r.totalRefundFen).toBe(0);
    const lines = await database.db
      .select()
      .from(orderLines)
      .where(eq(orderLines.communityId, s.community.id));
    expect(lines.every((l) => l.fulfilledQty === l.qty)).toBe(true);
  });

  it('a merchant refunds an exception bag whole', async () => {
    const s = await scene();
    const c = s.community.id;
    const { batchId } = await toGate(s);
    const order = s.relay.orders[0]!;
    const bag = await bagOf(c, order.id);
    const volunteer = order.stairwellId === s.community.stairwells[0]!.id ? s.volunteer : s.volunteer2;
    const input = {
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
      bagId: bag.id,
    };
    expect(await refusal(as(s.merchant.owner).distribution.refundBag(input))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BAG_NOT_EXCEPTION',
    });
    await as(volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      bagId: bag.id,
      outcome: 'exception',
      exceptionKind: 'damaged',
      clientAt: clock,
    });
    const refunded = await as(s.merchant.owner).distribution.refundBag(input);
    expect(refunded).toMatchObject({
      status: 'refunded',
      refundFen: order.totalFen,
      refundStatus: 'succeeded',
    });
    await as(s.merchant.owner).distribution.refundBag(input);
    expect(await database.db.$count(refunds, eq(refunds.orderId, order.id))).toBe(1);
    expect(
      await refusal(
        as(volunteer).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          bagId: bag.id,
          outcome: 'delivered',
          clientAt: clock,
        }),
      ),
    ).toMatchObject({
      code: 'PRECONDITION_FAILED',
      appCode: 'BAG_ALREADY_REFUNDED',
    });
    void batchId;
  });
});

describe('coordinator board', () => {
  it('counts exactly what the database holds, per stairwell, batch and merchant', async () => {
    const s = await scene();
    const c = s.community.id;
    const { batchId } = await toGate(s);
    clock = at(100);
    const inStairwell0 = s.relay.orders.filter((o) => o.stairwellId === s.community.stairwells[0]!.id);
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: encodeBagCode(c, inStairwell0[0]!.id),
      outcome: 'delivered',
      clientAt: clock,
    });
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: encodeBagCode(c, inStairwell0[1]!.id),
      outcome: 'exception',
      exceptionKind: 'item_missing',
      clientAt: clock,
    });

    expect(await refusal(as(s.volunteer).distribution.board({ communityId: c }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(s.resident).distribution.board({ communityId: c }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(null).distribution.board({ communityId: c }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const board = await as(s.owner).distribution.board({ communityId: c });

    const truth = await queryRows<{
      stairwell_id: string;
      households: number;
      bags: number;
      delivered: number;
      exceptions: number;
    }>(
      database.db,
      sql`select s.id as stairwell_id,
                 (select count(*)::int from households h where h.community_id = s.community_id and h.stairwell_id = s.id) as households,
                 (select count(*)::int from bags b where b.community_id = s.community_id and b.stairwell_id = s.id) as bags,
                 (select count(*)::int from bags b where b.community_id = s.community_id and b.stairwell_id = s.id and b.status = 'delivered') as delivered,
                 (select count(*)::int from bags b where b.community_id = s.community_id and b.stairwell_id = s.id and b.status = 'exception') as exceptions
            from stairwells s where s.community_id = ${c}`,
    );
    expect(board.stairwells).toHaveLength(truth.length);
    for (const t of truth) {
      const row = board.stairwells.find((r) => r.stairwellId === t.stairwell_id)!;
      expect([row.households, row.bags, row.delivered, row.exceptions]).toEqual([
        Number(t.households),
        Number(t.bags),
        Number(t.delivered),
        Number(t.exceptions),
      ]);
    }
    const s0 = board.stairwells.find((r) => r.stairwellId === s.community.stairwells[0]!.id)!;
    expect(s0).toMatchObject({ delivered: 1, exceptions: 1, lastActivity: at(100) });
    expect(board.totals.bags).toBe(await database.db.$count(bags, eq(bags.communityId, c)));
    expect(board.batches).toHaveLength(1);
    expect(board.batches[0]).toMatchObject({
      batchId,
      status: 'distributing',
      receivedAt: at(50),
      disinfectionStartedAt: at(50),
      releasedAt: at(80),
      firstDeliveredAt: at(100),
      bags: s.relay.orders.length,
      delivered: 1,
      exceptions: 1,
    });
    // ETA minute 60, arrived minute 50: on time.
    expect(board.merchants).toEqual([
      expect.objectContaining({ merchantId: s.merchant.id, arrived: 1, onTime: 1, onTimeShare: 100 }),
    ]);
  });

  it('goes live: a coordinator hears every check-off, a resident only their own bag', async () => {
    const s = await scene();
    const c = s.community.id;
    await toGate(s);
    const neighbourHousehold = s.community.households[1]!;
    const neighbour = await makeResident(database.db, c, neighbourHousehold.id, '李建华');
    const listen = async (user: SessionUser, householdIds: string[]) => {
      const controller = new AbortController();
      const got: DistributionEvent[] = [];
      const it = watchDistribution({
        ctx: serviceCtx(database, user, now),
        input: { communityId: c, householdIds },
        signal: controller.signal,
      });
      const first = await it.next(); // hello: listening from here on
      expect(first.value).toMatchObject({ kind: 'hello' });
      const done = (async () => {
        for await (const e of it) got.push(e);
      })();
      return {
        got,
        stop: async () => {
          controller.abort();
          await done;
        },
      };
    };
    const coordinator = await listen(s.admin, []);
    const residentFeed = await listen(neighbour, [neighbourHousehold.id]);
    const order = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: encodeBagCode(c, order.id),
      outcome: 'delivered',
      clientAt: clock,
    });
    const neighbourOrder = s.relay.orders.find((o) => o.householdId === neighbourHousehold.id)!;
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      code: encodeBagCode(c, neighbourOrder.id),
      outcome: 'delivered',
      clientAt: clock,
    });
    // NOTIFY crosses a connection on PostgreSQL: wait until the coordinator has heard both.
    for (let i = 0; i < 100 && coordinator.got.filter((e) => e.kind === 'bag').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await coordinator.stop();
    await residentFeed.stop();
    expect(coordinator.got.filter((e) => e.kind === 'bag')).toHaveLength(2);
    expect(residentFeed.got.filter((e) => e.kind === 'bag').map((e) => e.householdId)).toEqual([
      neighbourHousehold.id,
    ]);
  });
});

describe('refusals per procedure', () => {
  it('anonymous callers are asked to sign in, wrong roles are refused, other people’s things read as not found', async () => {
    const s = await scene();
    const c = s.community.id;
    const { deliveryId, batchId } = await toGate(s);
    const bag = await bagOf(
      c,
      s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!.id,
    );
    const m = { merchantId: s.merchant.id, communityId: s.community.id, relayId: s.relay.id };
    const calls: Record<string, (u: SessionUser | null) => Promise<unknown>> = {
      relayDelivery: (u) => as(u).distribution.relayDelivery(m),
      dispatch: (u) =>
        as(u).distribution.dispatch({
          merchantId: m.merchantId,
          communityId: m.communityId,
          relayIds: [s.relay.id],
          eta: at(60),
          vehiclePlate: '',
          driverName: '',
          driverPhone: '',
        }),
      previewShortfall: (u) => as(u).distribution.previewShortfall({ ...m, items: [] }),
      settleShortfall: (u) => as(u).distribution.settleShortfall({ ...m, items: [] }),
      decideProblem: (u) =>
        as(u).distribution.decideProblem({ ...m, reportId: randomUUID(), decision: 'accept', refundFen: 1 }),
      refundBag: (u) => as(u).distribution.refundBag({ ...m, bagId: bag.id }),
      gate: (u) => as(u).distribution.gate({ communityId: c }),
      recordArrival: (u) => as(u).distribution.recordArrival({ communityId: c, deliveryId, packageCount: 1 }),
      recordDisinfection: (u) =>
        as(u).distribution.recordDisinfection({
          communityId: c,
          batchId,
          agent: 'x',
          concentration: '',
          method: 'uv',
        }),
      release: (u) => as(u).distribution.release({ communityId: c, batchId }),
      checkoffBags: (u) => as(u).distribution.checkoffBags({ communityId: c }),
      checkOff: (u) =>
        as(u).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          bagId: bag.id,
          outcome: 'delivered',
          clientAt: clock,
        }),
      myBags: (u) => as(u).distribution.myBags({ communityId: c }),
      confirm: (u) => as(u).distribution.confirm({ communityId: c, bagId: bag.id }),
      reportProblem: (u) =>
        as(u).distribution.reportProblem({
          communityId: c,
          bagId: bag.id,
          kind: 'other',
          description: 'x',
          idempotencyKey: randomUUID(),
        }),
      board: (u) => as(u).distribution.board({ communityId: c }),
      boardNotes: (u) => as(u).distribution.boardNotes({ communityId: c }),
      changes: (u) => as(u).distribution.changes({ communityId: c }),
    };
    const merchantProcedures = [
      'relayDelivery',
      'dispatch',
      'previewShortfall',
      'settleShortfall',
      'decideProblem',
      'refundBag',
    ];
    const residentProcedures = ['myBags', 'confirm', 'reportProblem'];
    const coordinatorProcedures = ['board', 'boardNotes'];
    for (const [name, call] of Object.entries(calls)) {
      expect([name, (await refusal(call(null))).code]).toEqual([name, 'UNAUTHORIZED']);
      // A person of another compound: not a member here.
      const outsider = merchantProcedures.includes(name) ? 'NOT_FOUND' : 'FORBIDDEN';
      expect([name, (await refusal(call(s.otherVolunteer))).code]).toEqual([name, outsider]);
      // The wrong role in this compound (merchants are not members: for them scope is the check).
      const wrong = merchantProcedures.includes(name)
        ? s.admin
        : residentProcedures.includes(name)
          ? s.volunteer
          : coordinatorProcedures.includes(name)
            ? s.volunteer
            : name === 'changes'
              ? null
              : s.resident;
      if (wrong) {
        const expected = merchantProcedures.includes(name) ? 'NOT_FOUND' : 'FORBIDDEN';
        expect([name, (await refusal(call(wrong))).code]).toEqual([name, expected]);
      }
    }
    // Out of scope inside the compound: another stairwell, another household.
    expect(
      await refusal(
        as(s.volunteer2).distribution.checkOff({
          communityId: c,
          checkoffId: randomUUID(),
          bagId: bag.id,
          outcome: 'delivered',
          clientAt: clock,
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusal(
        as(s.volunteer2).distribution.checkoffBags({
          communityId: c,
          stairwellId: s.community.stairwells[0]!.id,
        }),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'STAIRWELL_NOT_FOUND',
    });
    const neighbour = await makeResident(database.db, c, s.community.households[1]!.id, '李建华');
    expect(
      await refusal(
        as(neighbour).distribution.reportProblem({
          communityId: c,
          bagId: bag.id,
          kind: 'other',
          description: 'x',
          idempotencyKey: randomUUID(),
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('photos', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'linli-dist-photos-'));
    setFileStorage(new LocalDiskStorage(dir));
  });
  afterAll(() => {
    setFileStorage(undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  // A 1×1 PNG.
  const PNG =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

  it('are images only, kept per compound, and shown only to the people the record concerns', async () => {
    const s = await scene();
    const c = s.community.id;
    const upload = (u: SessionUser | null, purpose: 'disinfection' | 'exception' | 'problem', base64 = PNG) =>
      as(u).distribution.uploadPhoto({ communityId: c, purpose, base64 });
    expect(await refusal(upload(null, 'disinfection'))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(upload(s.otherVolunteer, 'disinfection'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(upload(s.resident, 'disinfection'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await refusal(
        upload(s.volunteer, 'disinfection', Buffer.from('MZ\x90\x00 not a photo').toString('base64')),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'PHOTO_NOT_IMAGE',
    });
    const { photoKey } = await upload(s.volunteer, 'disinfection');
    expect(photoKey.startsWith(`distribution/${c}/`)).toBe(true);

    const { deliveryId } = await as(s.merchant.staff).distribution.dispatch({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayIds: [s.relay.id],
      eta: at(60),
      vehiclePlate: '',
      driverName: '',
      driverPhone: '',
    });
    const { batchId } = await as(s.volunteer).distribution.recordArrival({
      communityId: c,
      deliveryId,
      packageCount: 8,
    });
    const disinfect = {
      communityId: c,
      batchId,
      agent: '含氯消毒剂',
      concentration: '500 mg/L',
      method: 'spray' as const,
    };
    expect(
      await refusal(
        as(s.volunteer).distribution.recordDisinfection({
          ...disinfect,
          photoKey: `distribution/${s.other.id}/2022/04/${randomUUID()}`,
        }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'PHOTO_INVALID',
    });
    await as(s.volunteer).distribution.recordDisinfection({ ...disinfect, photoKey });
    const gate = await as(s.volunteer2).distribution.gate({ communityId: c });
    expect(gate.batches[0]!.photoKey).toBe(photoKey);

    const seen = await as(s.admin).distribution.photo({ photoKey });
    expect(seen.dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    await as(s.merchant.owner).distribution.photo({ photoKey });
    await as(s.volunteer2).distribution.photo({ photoKey });
    expect(await refusal(as(s.resident).distribution.photo({ photoKey }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'PHOTO_NOT_FOUND',
    });
    expect(await refusal(as(s.otherVolunteer).distribution.photo({ photoKey }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await refusal(as(null).distribution.photo({ photoKey }))).toMatchObject({ code: 'UNAUTHORIZED' });

    // A resident's problem photo: the merchant sees it, the neighbours do not.
    clock = at(80);
    await as(s.volunteer).distribution.release({ communityId: c, batchId });
    const order = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    const bag = await bagOf(c, order.id);
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId: randomUUID(),
      bagId: bag.id,
      outcome: 'delivered',
      clientAt: clock,
    });
    const problemPhoto = await upload(s.resident, 'problem');
    await as(s.resident).distribution.reportProblem({
      communityId: c,
      bagId: bag.id,
      kind: 'damaged_item',
      relayItemId: s.relay.items[0]!.id,
      qty: 1,
      photoKey: problemPhoto.photoKey,
      idempotencyKey: randomUUID(),
    });
    const view = await as(s.merchant.staff).distribution.relayDelivery({
      merchantId: s.merchant.id,
      communityId: s.community.id,
      relayId: s.relay.id,
    });
    expect(view.problems[0]!.photoKey).toBe(problemPhoto.photoKey);
    await as(s.merchant.staff).distribution.photo({ photoKey: problemPhoto.photoKey });
    const neighbour = await makeResident(database.db, c, s.community.households[1]!.id, '李建华');
    expect(
      await refusal(as(neighbour).distribution.photo({ photoKey: problemPhoto.photoKey })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
