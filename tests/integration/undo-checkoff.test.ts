/**
 * 撤销送达 (issue 13 item 4) on a real database (PGlite, or PostgreSQL when DATABASE_URL is set): a
 * mis-tapped ✓ 送达 is taken back within 5 minutes of the phone's clock, online or queued offline
 * behind its check-off; the bag, its order and the batch return to where they were, both the
 * check-off and the undo stay recorded, and the household's bag page and the board show it.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, bagEvents, bags, batches, notifications, orders, relays } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeDistributionScene, type DistributionScene } from '@/tests/helpers/distribution-fixtures';

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

/** A scene whose batch is released: bags ready to carry. */
async function released(): Promise<{ s: DistributionScene; batchId: string }> {
  clock = T0;
  const s = await makeDistributionScene(database.db);
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
  return { s, batchId: arrival.batchId };
}

function deliver(s: DistributionScene, user: SessionUser, bagId: string, clientAt: Date) {
  return as(user).distribution.checkOff({
    communityId: s.community.id,
    checkoffId: randomUUID(),
    bagId,
    outcome: 'delivered',
    clientAt,
  });
}

async function bagRow(id: string) {
  return (await database.db.select().from(bags).where(eq(bags.id, id)))[0]!;
}

describe('撤销送达', () => {
  it('online: the bag, its order, the bag page and the board go back; both rows stay recorded', async () => {
    const { s } = await released();
    const c = s.community.id;
    const mine = s.relay.orders.find((o) => o.householdId === s.community.households[0]!.id)!;
    const [bag] = await database.db.select().from(bags).where(eq(bags.orderId, mine.id));
    const before = await as(s.admin).distribution.board({ communityId: c });

    clock = at(90);
    const checkoffId = randomUUID();
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId,
      bagId: bag!.id,
      outcome: 'delivered',
      clientAt: clock,
    });
    expect((await as(s.resident).distribution.myBags({ communityId: c })).orders[0]!.stage).toBe('delivered');
    expect((await as(s.admin).distribution.board({ communityId: c })).totals.delivered).toBe(
      before.totals.delivered + 1,
    );

    clock = at(93);
    const undoId = randomUUID();
    const undone = await as(s.volunteer).distribution.undoCheckOff({
      communityId: c,
      undoId,
      checkoffId,
      clientAt: clock,
    });
    expect(undone).toMatchObject({ status: 'pending', replayed: false });
    expect(await bagRow(bag!.id)).toMatchObject({ status: 'pending', deliveredAt: null, deliveredBy: null });
    const [order] = await database.db.select().from(orders).where(eq(orders.id, mine.id));
    expect(order!.status).toBe('paid');
    // What the household and the coordinators see.
    const page = (await as(s.resident).distribution.myBags({ communityId: c })).orders[0]!;
    expect(page.stage).toBe('released');
    expect(page.bag!.deliveredAt).toBeNull();
    expect((await as(s.admin).distribution.board({ communityId: c })).totals).toEqual(before.totals);
    // The check-off and its undo are both recorded.
    const events = await database.db.select().from(bagEvents).where(eq(bagEvents.bagId, bag!.id));
    expect(events.map((e) => [e.id, e.outcome]).sort()).toEqual(
      [
        [checkoffId, 'delivered'],
        [undoId, 'undone'],
      ].sort(),
    );
    const audits = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.entityId, bag!.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['bag.delivered', 'bag.delivery_undone']);
    const told = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, s.resident.id),
          eq(notifications.kind, 'distribution.bag_delivery_undone'),
        ),
      );
    expect(told).toHaveLength(1);

    // A replay of the undo changes nothing; undoing it twice with a new id is refused.
    expect(
      await as(s.volunteer).distribution.undoCheckOff({
        communityId: c,
        undoId,
        checkoffId,
        clientAt: clock,
      }),
    ).toMatchObject({ replayed: true });
    expect(
      await refusal(
        as(s.volunteer).distribution.undoCheckOff({
          communityId: c,
          undoId: randomUUID(),
          checkoffId,
          clientAt: clock,
        }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'CHECKOFF_UNDO_EXPIRED' });
    // The bag can be checked off again, for real this time.
    expect(await deliver(s, s.volunteer, bag!.id, at(95))).toMatchObject({ status: 'delivered' });
  });

  it('offline: an undo queued behind its check-off applies when both sync; too late, someone else, or confirmed is refused', async () => {
    const { s } = await released();
    const c = s.community.id;
    const stairwell0 = await database.db
      .select()
      .from(bags)
      .where(and(eq(bags.communityId, c), eq(bags.stairwellId, s.community.stairwells[0]!.id)));
    const resident0 = stairwell0.find((b) => b.householdId === s.community.households[0]!.id)!;
    const inS0 = stairwell0.filter((b) => b.id !== resident0.id);
    // The phone was offline at minutes 95 and 97; it syncs at minute 150, in order.
    const checkoffId = randomUUID();
    clock = at(150);
    await as(s.volunteer).distribution.checkOff({
      communityId: c,
      checkoffId,
      bagId: inS0[0]!.id,
      outcome: 'delivered',
      clientAt: at(95),
    });
    const undone = await as(s.volunteer).distribution.undoCheckOff({
      communityId: c,
      undoId: randomUUID(),
      checkoffId,
      clientAt: at(97),
    });
    expect(undone).toMatchObject({ status: 'pending' });

    // Six minutes after the tap (phone clock): too late.
    const late = await deliver(s, s.volunteer, inS0[1]!.id, at(151));
    const lateId = (await database.db.select().from(bagEvents).where(eq(bagEvents.bagId, late.bagId)))[0]!.id;
    clock = at(157);
    expect(
      await refusal(
        as(s.volunteer).distribution.undoCheckOff({
          communityId: c,
          undoId: randomUUID(),
          checkoffId: lateId,
          clientAt: at(157),
        }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'CHECKOFF_UNDO_EXPIRED' });
    expect((await bagRow(late.bagId)).status).toBe('delivered');

    // Another stairwell's volunteer does not see the bag; a coordinator may undo; a resident may not.
    const theirs = await deliver(s, s.volunteer, inS0[2]!.id, at(158));
    const theirsId = (await database.db.select().from(bagEvents).where(eq(bagEvents.bagId, theirs.bagId)))[0]!
      .id;
    const undo = (user: SessionUser) =>
      as(user).distribution.undoCheckOff({
        communityId: c,
        undoId: randomUUID(),
        checkoffId: theirsId,
        clientAt: at(159),
      });
    expect(await refusal(undo(s.volunteer2))).toEqual({ code: 'NOT_FOUND', appCode: 'BAG_NOT_FOUND' });
    expect(await refusal(undo(s.resident))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(undo(s.otherVolunteer))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await undo(s.admin)).toMatchObject({ status: 'pending' });

    // Once the resident confirmed receipt, the delivery stands.
    const confirmedOff = await deliver(s, s.volunteer, resident0.id, at(160));
    const confirmedId = (
      await database.db.select().from(bagEvents).where(eq(bagEvents.bagId, confirmedOff.bagId))
    )[0]!.id;
    await as(s.resident).distribution.confirm({ communityId: c, bagId: resident0.id });
    expect(
      await refusal(
        as(s.volunteer).distribution.undoCheckOff({
          communityId: c,
          undoId: randomUUID(),
          checkoffId: confirmedId,
          clientAt: at(161),
        }),
      ),
    ).toEqual({ code: 'PRECONDITION_FAILED', appCode: 'CHECKOFF_UNDO_EXPIRED' });
  });

  it('the last bag of a batch: undo reopens the batch and its relay', async () => {
    const { s, batchId } = await released();
    const c = s.community.id;
    const all = await database.db.select().from(bags).where(eq(bags.batchId, batchId));
    clock = at(100);
    let lastId = '';
    for (const b of all) {
      const user = b.stairwellId === s.community.stairwells[0]!.id ? s.volunteer : s.volunteer2;
      lastId = randomUUID();
      await as(user).distribution.checkOff({
        communityId: c,
        checkoffId: lastId,
        bagId: b.id,
        outcome: 'delivered',
        clientAt: clock,
      });
    }
    const lastBag = (await database.db.select().from(bagEvents).where(eq(bagEvents.id, lastId)))[0]!;
    const lastUser =
      all.find((b) => b.id === lastBag.bagId)!.stairwellId === s.community.stairwells[0]!.id
        ? s.volunteer
        : s.volunteer2;
    const batch = async () => (await database.db.select().from(batches).where(eq(batches.id, batchId)))[0]!;
    const relay = async () =>
      (
        await database.db
          .select()
          .from(relays)
          .where(inArray(relays.id, [s.relay.id]))
      )[0]!;
    expect((await batch()).status).toBe('completed');
    expect((await relay()).status).toBe('completed');

    await as(lastUser).distribution.undoCheckOff({
      communityId: c,
      undoId: randomUUID(),
      checkoffId: lastId,
      clientAt: at(101),
    });
    expect(await batch()).toMatchObject({ status: 'distributing', completedAt: null });
    expect((await relay()).status).toBe('distributing');
    // Delivered again: complete again.
    await deliver(s, lastUser, lastBag.bagId, at(102));
    expect((await batch()).status).toBe('completed');
    expect((await relay()).status).toBe('completed');
  });
});
