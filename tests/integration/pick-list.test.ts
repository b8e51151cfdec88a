import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { buildings, stairwells } from '@/db/schema';
import { getRelayPickList } from '@/server/services/picklist/get-relay-pick-list';
import { preparePickListExport } from '@/server/services/picklist/prepare-pick-list-export';
import { isInRouteOrder, productKey, totalsFromLines, type PickLine } from '@/server/services/picklist/rules';
import type { PickList } from '@/server/services/picklist/types';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor, serviceCtx } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import {
  addMember,
  assignStairwell,
  makeCommunity,
  makeRoleUsers,
  makeUser,
  type TestCommunity,
} from '@/tests/helpers/fixtures';
import {
  addOrders,
  addResidents,
  cancelOrder,
  makeMerchant,
  makeRelay,
  markCare,
  recordShortfall,
  refundLine,
  type TestMerchant,
  type TestRelay,
} from '@/tests/helpers/relay-fixtures';

let database: Database;
let c: TestCommunity;
let roles: Awaited<ReturnType<typeof makeRoleUsers>>;
let merchant: TestMerchant;
let otherMerchant: TestMerchant;
let residents: Map<string, SessionUser>;
let relay: TestRelay;
/** household index → order, for the main relay */
let orderIds: string[];

const rejectCode = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'RESOLVED';
};

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  // 2 buildings × 2 stairwells × 4 households; building 2 is walked first.
  c = await makeCommunity(db, { buildings: 2, stairwellsPerBuilding: 2, householdsPerStairwell: 4 });
  await db.execute(
    sql`update buildings set route_order = case number when '1' then 2 else 1 end where community_id = ${c.id}::uuid`,
  );
  roles = await makeRoleUsers(db, c);
  merchant = await makeMerchant(db);
  otherMerchant = await makeMerchant(db, { name: '隔壁生鲜' });
  residents = await addResidents(db, c);
  await markCare(db, c.id, c.households[1]!.id);
  relay = await makeRelay(db, c, merchant);
  // Households 0..11 order (in reverse, so join order ≠ route order); 12 cancels; 13 never pays.
  const specs = c.households.slice(0, 12).map((h, i) => ({
    householdId: h.id,
    placedBy: residents.get(h.id)!.id,
    lines:
      i % 3 === 0
        ? [
            { item: 0, qty: 2 },
            { item: 1, qty: 1 },
            { item: 2, qty: 1 },
          ]
        : [{ item: 0, qty: 1 }],
  }));
  specs.reverse();
  // Household 5 ordered by a volunteer on its behalf (代下单): the label names the household.
  const hh5 = specs.find((s) => s.householdId === c.households[5]!.id)!;
  Object.assign(hh5, { placedBy: roles.volunteer.id, onBehalf: true });
  const placed = await addOrders(db, relay, [
    ...specs,
    {
      householdId: c.households[12]!.id,
      placedBy: residents.get(c.households[12]!.id)!.id,
      lines: [{ item: 1, qty: 5 }],
      status: 'cancelled',
    },
    {
      householdId: c.households[13]!.id,
      placedBy: residents.get(c.households[13]!.id)!.id,
      lines: [{ item: 1, qty: 5 }],
      status: 'pending_payment',
    },
  ]);
  orderIds = c.households.slice(0, 12).map((h) => placed.find((o) => o.householdId === h.id)!.id);
});
afterAll(async () => {
  await database.close();
});

const asMerchant = () =>
  callerFor(database, merchant.owner).picklist.relay({ relayId: relay.id, merchantId: merchant.id });

describe('pick list of a formed relay', () => {
  it('totals per product count only paid orders', async () => {
    const pl = await asMerchant();
    // 12 paid orders; households 0,3,6,9 bought 2 rice + eggs + vegetables, the others 1 rice.
    expect(pl.totals).toEqual([
      expect.objectContaining({
        name: '东北大米',
        spec: '5kg/袋',
        unit: '袋',
        orderedQty: 16,
        deliverQty: 16,
        amountFen: 16 * 3990,
        bags: 12,
      }),
      expect.objectContaining({ name: '土鸡蛋', orderedQty: 4, deliverQty: 4, amountFen: 4 * 4500, bags: 4 }),
      expect.objectContaining({ name: '蔬菜套餐', orderedQty: 4, amountFen: 4 * 6800, bags: 4 }),
    ]);
    expect(pl.grand).toMatchObject({
      bags: 12,
      households: 12,
      orderedQty: 24,
      amountFen: 16 * 3990 + 4 * 4500 + 4 * 6800,
    });
    expect(pl.merchantName).toBe('朱泾放心超市');
  });

  it('has one bag per paid order in route order: building route, stairwell, floor, room', async () => {
    const pl = await asMerchant();
    expect(pl.bags).toHaveLength(12);
    expect(new Set(pl.bags.map((b) => b.orderId))).toEqual(new Set(orderIds));
    // Building 2 (route 1) first, then building 1.
    expect(pl.bags.map((b) => `${b.buildingNumber}-${b.stairwellNumber}-${b.room}`)).toEqual([
      '2-1-101',
      '2-1-102',
      '2-1-201',
      '2-1-202',
      '1-1-101',
      '1-1-102',
      '1-1-201',
      '1-1-202',
      '1-2-101',
      '1-2-102',
      '1-2-201',
      '1-2-202',
    ]);
    expect(isInRouteOrder(pl.bags)).toBe(true);
    const first = pl.bags.find((b) => b.householdId === c.households[0]!.id)!;
    expect(first.lines.map((l) => [l.name, l.qty])).toEqual([
      ['东北大米', 2],
      ['土鸡蛋', 1],
      ['蔬菜套餐', 1],
    ]);
    expect(first.items).toBe(4);
    expect(first.totalFen).toBe(2 * 3990 + 4500 + 6800);
  });

  it('masks names to the surname, shows the last 4 phone digits to the merchant, and flags care households', async () => {
    const pl = await asMerchant();
    for (const b of pl.bags) {
      const resident = residents.get(b.householdId)!;
      expect(b.maskedName).toBe(
        `${Array.from(resident.name.startsWith('欧阳') ? '欧阳' : resident.name[0]!).join('')}*`,
      );
      expect(b.phoneLast4).toBe(resident.phone!.slice(-4));
      expect(b.phone).toBeNull();
      expect(JSON.stringify(b)).not.toContain(resident.name);
    }
    expect(pl.bags.find((b) => b.householdId === c.households[1]!.id)!.doorDelivery).toBe(true);
    expect(pl.bags.filter((b) => b.doorDelivery)).toHaveLength(1);
    // 代下单: the bag names the household's resident, not the volunteer who ordered.
    const onBehalf = pl.bags.find((b) => b.householdId === c.households[5]!.id)!;
    expect(onBehalf.onBehalf).toBe(true);
    expect(onBehalf.maskedName).toBe(`${residents.get(c.households[5]!.id)!.name[0]}*`);
    expect(onBehalf.phoneLast4).toBe(residents.get(c.households[5]!.id)!.phone!.slice(-4));
  });

  it('counts households, bags and items per stairwell', async () => {
    const pl = await asMerchant();
    expect(
      pl.stairwells.map((s) => [
        `${s.buildingNumber}-${s.stairwellNumber}`,
        s.households,
        s.bags,
        s.items,
        s.doorDelivery,
      ]),
    ).toEqual([
      // stairwell 2-1 holds households 8..11: 9 bought 4 units.
      ['2-1', 4, 4, 1 + 4 + 1 + 1, 0],
      // 1-1: households 0..3 (0 and 3 bought 4 units each; 1 is a care household)
      ['1-1', 4, 4, 4 + 1 + 1 + 4, 1],
      // 1-2: households 4..7 (6 bought 4 units)
      ['1-2', 4, 4, 1 + 1 + 4 + 1, 0],
    ]);
  });
});

describe('access', () => {
  it('gives merchant members and coordinators everything; coordinators also get full phones', async () => {
    const staff = await callerFor(database, merchant.staff).picklist.relay({ relayId: relay.id });
    expect(staff.viewer).toBe('merchant');
    expect(staff.bags).toHaveLength(12);
    for (const u of [roles.owner, roles.admin]) {
      const pl = await callerFor(database, u).picklist.relay({ relayId: relay.id, communityId: c.id });
      expect(pl.viewer).toBe('coordinator');
      expect(pl.totals).not.toBeNull();
      expect(pl.bags).toHaveLength(12);
      expect(pl.bags[0]!.phone).toBe(residents.get(pl.bags[0]!.householdId)!.phone);
    }
  });

  it('gives a volunteer the bags of their own stairwells only, without prices or phones', async () => {
    const pl = await callerFor(database, roles.volunteer).picklist.relay({
      relayId: relay.id,
      communityId: c.id,
    });
    expect(pl.viewer).toBe('volunteer');
    expect(pl.totals).toBeNull();
    expect(pl.grand.amountFen).toBeNull();
    expect(pl.bags.map((b) => b.stairwellId)).toEqual(Array(4).fill(c.stairwells[0]!.id));
    expect(pl.stairwells).toHaveLength(1);
    for (const b of pl.bags) {
      expect(b.phoneLast4).toBeNull();
      expect(b.phone).toBeNull();
      expect(b.totalFen).toBeNull();
      for (const l of b.lines) {
        expect(l.unitPriceFen).toBeNull();
        expect(l.refundedFen).toBeNull();
      }
    }
    // A volunteer with no stairwell sees no bags at all.
    const idle = await makeUser(database.db, { name: '新志愿者' });
    await addMember(database.db, c.id, idle, 'volunteer');
    const none = await callerFor(database, idle).picklist.relay({ relayId: relay.id, communityId: c.id });
    expect(none.bags).toEqual([]);
    // A second stairwell widens the list.
    await assignStairwell(database.db, c.id, idle, c.stairwells[2]!.id);
    const one = await callerFor(database, idle).picklist.relay({ relayId: relay.id, communityId: c.id });
    expect(one.bags).toHaveLength(4);
    expect(new Set(one.bags.map((b) => b.stairwellId))).toEqual(new Set([c.stairwells[2]!.id]));
  });

  it('refuses another merchant (NOT_FOUND), a resident (FORBIDDEN), an outsider (NOT_FOUND), anonymous (UNAUTHORIZED)', async () => {
    expect(
      await rejectCode(callerFor(database, otherMerchant.owner).picklist.relay({ relayId: relay.id })),
    ).toBe('NOT_FOUND');
    expect(
      await rejectCode(
        callerFor(database, otherMerchant.owner).picklist.relay({
          relayId: relay.id,
          merchantId: otherMerchant.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await rejectCode(
        callerFor(database, roles.resident).picklist.relay({ relayId: relay.id, communityId: c.id }),
      ),
    ).toBe('FORBIDDEN');
    expect(await rejectCode(callerFor(database, roles.outsider).picklist.relay({ relayId: relay.id }))).toBe(
      'NOT_FOUND',
    );
    expect(await rejectCode(callerFor(database, null).picklist.relay({ relayId: relay.id }))).toBe(
      'UNAUTHORIZED',
    );
    // A relay id that does not exist reads the same as one out of scope.
    expect(
      await rejectCode(callerFor(database, merchant.owner).picklist.relay({ relayId: crypto.randomUUID() })),
    ).toBe('NOT_FOUND');
    // The wrong compound for a real relay: not found, nothing about the relay in the error.
    const err = await callerFor(database, roles.owner)
      .picklist.relay({ relayId: relay.id, communityId: crypto.randomUUID() })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect(JSON.stringify(err)).not.toContain('保供套餐');
  });

  it('refuses a relay that has not formed, without leaking its contents', async () => {
    for (const status of ['draft', 'open', 'closed', 'failed', 'cancelled'] as const) {
      const r = await makeRelay(database.db, c, merchant, { status, title: `未成团 ${status}` });
      const err = await callerFor(database, merchant.owner)
        .picklist.relay({ relayId: r.id })
        .then(
          () => ({ code: 'RESOLVED', message: '' }),
          (e: unknown) => e as { code: string; message: string; cause?: { code?: string } },
        );
      expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', cause: { code: 'RELAY_NOT_FORMED' } });
      expect(err.message).not.toContain('未成团');
      // An outsider does not even learn the state.
      expect(
        await rejectCode(callerFor(database, otherMerchant.owner).picklist.relay({ relayId: r.id })),
      ).toBe('NOT_FOUND');
    }
    for (const status of ['dispatched', 'arrived', 'distributing', 'completed'] as const) {
      const r = await makeRelay(database.db, c, merchant, { status });
      expect(
        (await callerFor(database, merchant.owner).picklist.relay({ relayId: r.id })).relays[0]!.status,
      ).toBe(status);
    }
  });

  it('refuses an unknown export view or format, and a volunteer asking for totals or labels', async () => {
    const ctx = serviceCtx(database, merchant.owner);
    const target = { kind: 'relay' as const, relayId: relay.id };
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'RESOLVED',
        (e: { kind: string; code: string }) => `${e.kind}:${e.code}`,
      );
    expect(await code(preparePickListExport({ ctx, input: { target, view: 'bags', format: 'docx' } }))).toBe(
      'BAD_REQUEST:UNKNOWN_EXPORT_FORMAT',
    );
    expect(
      await code(preparePickListExport({ ctx, input: { target, view: 'secrets', format: 'csv' } })),
    ).toBe('BAD_REQUEST:UNKNOWN_EXPORT_VIEW');
    expect(await code(preparePickListExport({ ctx, input: { target, view: 'labels', format: 'csv' } }))).toBe(
      'BAD_REQUEST:EXPORT_FORMAT_UNSUPPORTED',
    );
    expect(
      await code(
        preparePickListExport({
          ctx: serviceCtx(database, null),
          input: { target, view: 'bags', format: 'csv' },
        }),
      ),
    ).toBe('UNAUTHORIZED:AUTH_REQUIRED');
    const vctx = serviceCtx(database, roles.volunteer);
    expect(
      await code(preparePickListExport({ ctx: vctx, input: { target, view: 'totals', format: 'csv' } })),
    ).toBe('FORBIDDEN:EXPORT_FORBIDDEN');
    expect(
      await code(preparePickListExport({ ctx: vctx, input: { target, view: 'labels', format: 'pdf' } })),
    ).toBe('FORBIDDEN:EXPORT_FORBIDDEN');
    const ok = await preparePickListExport({ ctx: vctx, input: { target, view: 'bags', format: null } });
    expect(ok).toMatchObject({ view: 'bags', format: 'csv' });
    expect(ok.pickList.bags).toHaveLength(4);
  });
});

describe('live: cancellations, refunds and shortfalls show at once', () => {
  it('reflects each change on the next read', async () => {
    const db = database.db;
    const r = await makeRelay(db, c, merchant, { title: '实时' });
    const [a, b, d] = await addOrders(db, r, [
      {
        householdId: c.households[0]!.id,
        placedBy: residents.get(c.households[0]!.id)!.id,
        lines: [
          { item: 0, qty: 3 },
          { item: 1, qty: 2 },
        ],
      },
      {
        householdId: c.households[4]!.id,
        placedBy: residents.get(c.households[4]!.id)!.id,
        lines: [{ item: 0, qty: 1 }],
      },
      {
        householdId: c.households[8]!.id,
        placedBy: residents.get(c.households[8]!.id)!.id,
        lines: [{ item: 1, qty: 1 }],
      },
    ]);
    const read = () =>
      getRelayPickList({ ctx: serviceCtx(database, merchant.owner), input: { relayId: r.id } });
    const rice = (pl: PickList) => pl.totals!.find((t) => t.name === '东北大米')!;
    let pl = await read();
    expect(rice(pl)).toMatchObject({ orderedQty: 4, deliverQty: 4 });
    expect(pl.bags).toHaveLength(3);

    await cancelOrder(db, c.id, b!.id);
    pl = await read();
    expect(pl.bags.map((x) => x.orderId)).not.toContain(b!.id);
    expect(rice(pl)).toMatchObject({ orderedQty: 3, amountFen: 3 * 3990 });

    await refundLine(db, c.id, d!.lineIds[0]!, 1000);
    pl = await read();
    expect(pl.totals!.find((t) => t.name === '土鸡蛋')!.refundedFen).toBe(1000);
    expect(pl.grand.refundedFen).toBe(1000);

    await recordShortfall(db, c.id, a!.lineIds[0]!, 1);
    pl = await read();
    expect(rice(pl)).toMatchObject({ orderedQty: 3, deliverQty: 1, shortQty: 2, refundedFen: 2 * 3990 });
    const bag = pl.bags.find((x) => x.orderId === a!.id)!;
    expect(bag.status).toBe('short');
    expect(bag.lines[0]).toMatchObject({ qty: 3, fulfilledQty: 1, deliverQty: 1 });
    expect(bag.items).toBe(1 + 2);
    expect(pl.stairwells.find((s) => s.stairwellId === c.stairwells[0]!.id)!.items).toBe(3);
  });
});

describe('a merchant’s delivery date across its relays', () => {
  it('sums the formed relays of the day and counts the ones still open', async () => {
    const db = database.db;
    const day = '2022-04-20';
    const r1 = await makeRelay(db, c, merchant, { deliveryDate: day, title: '第一批' });
    const r2 = await makeRelay(db, c, merchant, { deliveryDate: day, title: '第二批' });
    await makeRelay(db, c, merchant, { deliveryDate: day, status: 'open', title: '还在接龙' });
    await makeRelay(db, c, otherMerchant, { deliveryDate: day, title: '别家' });
    const h = (i: number) => ({
      householdId: c.households[i]!.id,
      placedBy: residents.get(c.households[i]!.id)!.id,
    });
    await addOrders(db, r1, [
      { ...h(0), lines: [{ item: 0, qty: 1 }] },
      { ...h(9), lines: [{ item: 2, qty: 2 }] },
    ]);
    await addOrders(db, r2, [{ ...h(0), lines: [{ item: 0, qty: 2 }] }]);
    const pl = await callerFor(database, merchant.owner).picklist.delivery({
      communityId: c.id,
      merchantId: merchant.id,
      deliveryDate: day,
    });
    expect(pl.kind).toBe('delivery');
    expect(pl.relays.map((r) => r.title)).toEqual(['第一批', '第二批']);
    expect(pl.pendingRelays).toBe(1);
    // Same product name in two relays: separate catalog products, so separate rows.
    expect(pl.totals!.reduce((s, t) => s + t.orderedQty, 0)).toBe(5);
    expect(pl.bags).toHaveLength(3);
    // Household 9 (building 2) comes first; household 0's two bags follow in relay order.
    expect(pl.bags.map((b) => [b.householdId, b.relayId])).toEqual([
      [c.households[9]!.id, r1.id],
      [c.households[0]!.id, r1.id],
      [c.households[0]!.id, r2.id],
    ]);
    expect(pl.stairwells.find((s) => s.stairwellId === c.stairwells[0]!.id)).toMatchObject({
      households: 1,
      bags: 2,
    });

    const coord = await callerFor(database, roles.admin).picklist.delivery({
      communityId: c.id,
      merchantId: merchant.id,
      deliveryDate: day,
    });
    expect(coord.bags).toHaveLength(3);
    expect(
      await rejectCode(
        callerFor(database, otherMerchant.owner).picklist.delivery({
          communityId: c.id,
          merchantId: merchant.id,
          deliveryDate: day,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await rejectCode(
        callerFor(database, roles.resident).picklist.delivery({
          communityId: c.id,
          merchantId: merchant.id,
          deliveryDate: day,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await rejectCode(
        callerFor(database, merchant.owner).picklist.delivery({
          communityId: c.id,
          merchantId: merchant.id,
          deliveryDate: '2022-05-01',
        }),
      ),
    ).toBe('NOT_FOUND');
    await makeRelay(db, c, merchant, { deliveryDate: '2022-05-02', status: 'open' });
    expect(
      await rejectCode(
        callerFor(database, merchant.owner).picklist.delivery({
          communityId: c.id,
          merchantId: merchant.id,
          deliveryDate: '2022-05-02',
        }),
      ),
    ).toBe('PRECONDITION_FAILED');
    expect(
      await rejectCode(
        callerFor(database, merchant.owner).picklist.delivery({
          communityId: c.id,
          merchantId: merchant.id,
          deliveryDate: '2022-13-40',
        }),
      ),
    ).toBe('BAD_REQUEST');
  });
});

describe('volunteers’ relay list', () => {
  it('lists formed relays with the bags for the volunteer’s stairwells; refuses residents', async () => {
    const list = await callerFor(database, roles.volunteer).picklist.bagRelays({ communityId: c.id });
    const main = list.find((r) => r.id === relay.id)!;
    expect(main.bags).toBe(4);
    expect(list.every((r) => !['draft', 'open', 'closed', 'failed', 'cancelled'].includes(r.status))).toBe(
      true,
    );
    const all = await callerFor(database, roles.admin).picklist.bagRelays({ communityId: c.id });
    expect(all.find((r) => r.id === relay.id)!.bags).toBe(12);
    expect(
      await rejectCode(callerFor(database, roles.resident).picklist.bagRelays({ communityId: c.id })),
    ).toBe('FORBIDDEN');
    expect(await rejectCode(callerFor(database, null).picklist.bagRelays({ communityId: c.id }))).toBe(
      'UNAUTHORIZED',
    );
  });
});

describe('property: random relays', () => {
  it('totals equal the sum of paid lines, one bag per paid order, bags follow the route', async () => {
    const db = database.db;
    const pc = await makeCommunity(db, { buildings: 3, stairwellsPerBuilding: 2, householdsPerStairwell: 4 });
    const pres = await addResidents(db, pc);
    const statuses = ['paid', 'fulfilled', 'short', 'cancelled', 'expired', 'pending_payment'] as const;
    const orderArb = fc.record({
      household: fc.nat({ max: pc.households.length - 1 }),
      status: fc.constantFrom(...statuses, 'paid', 'paid'),
      lines: fc.uniqueArray(
        fc.record({
          item: fc.nat({ max: 2 }),
          qty: fc.integer({ min: 1, max: 5 }),
          short: fc.option(fc.nat({ max: 5 })),
        }),
        { minLength: 1, maxLength: 3, selector: (l) => l.item },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { maxLength: 25 }),
        fc.shuffledSubarray([1, 2, 3], { minLength: 3, maxLength: 3 }),
        fc.shuffledSubarray([1, 2, 3, 4, 5, 6], { minLength: 6, maxLength: 6 }),
        async (specs, buildingRoutes, stairwellRoutes) => {
          for (const [i, b] of pc.buildings.entries()) {
            await db.execute(
              sql`update ${buildings} set route_order = ${buildingRoutes[i]!} where community_id = ${pc.id}::uuid and id = ${b.id}::uuid`,
            );
          }
          for (const [i, s] of pc.stairwells.entries()) {
            await db.execute(
              sql`update ${stairwells} set route_order = ${stairwellRoutes[i]!} where community_id = ${pc.id}::uuid and id = ${s.id}::uuid`,
            );
          }
          const r = await makeRelay(db, pc, merchant);
          const placed = await addOrders(
            db,
            r,
            specs.map((s) => {
              const h = pc.households[s.household]!;
              return {
                householdId: h.id,
                placedBy: pres.get(h.id)!.id,
                status: s.status,
                lines: s.lines.map((l) => ({ item: l.item, qty: l.qty })),
              };
            }),
          );
          // Shortfalls on some lines of fulfilled / short orders.
          const expectedLines = new Map<string, PickLine[]>();
          for (const [k, o] of placed.entries()) {
            const spec = specs[k]!;
            const lines: PickLine[] = [];
            for (const [j, l] of spec.lines.entries()) {
              let fulfilled: number | null = null;
              if ((spec.status === 'short' || spec.status === 'fulfilled') && l.short !== null) {
                fulfilled = Math.min(l.short, l.qty);
                await db.execute(
                  sql`update order_lines set fulfilled_qty = ${fulfilled} where community_id = ${pc.id}::uuid and id = ${o.lineIds[j]!}::uuid`,
                );
              }
              const it = r.items[l.item]!;
              lines.push({
                productId: it.productId,
                name: it.name,
                spec: it.spec,
                unit: it.unit,
                qty: l.qty,
                unitPriceFen: it.unitPriceFen,
                fulfilledQty: fulfilled,
                refundedFen: 0,
              });
            }
            if (['paid', 'fulfilled', 'short'].includes(spec.status)) expectedLines.set(o.id, lines);
          }
          const pl = await getRelayPickList({
            ctx: serviceCtx(database, merchant.owner),
            input: { relayId: r.id },
          });
          // Every paid order exactly one bag, nothing else.
          expect(pl.bags.map((b) => b.orderId).sort()).toEqual([...expectedLines.keys()].sort());
          // Totals (SQL aggregate) = the sum of paid order lines.
          const byKey = (ts: { productId: string; name: string; spec: string; unit: string }[]) =>
            [...ts].sort((x, y) => productKey(x).localeCompare(productKey(y)));
          const expected = totalsFromLines([...expectedLines.values()].map((lines) => ({ lines })));
          expect(byKey(pl.totals!)).toEqual(byKey(expected));
          // The bags' own lines agree too.
          expect(
            byKey(
              totalsFromLines(
                pl.bags.map((b) => ({
                  lines: b.lines.map((l) => ({
                    ...l,
                    unitPriceFen: l.unitPriceFen!,
                    refundedFen: l.refundedFen!,
                  })),
                })),
              ),
            ),
          ).toEqual(byKey(expected));
          // Route order, checked against the routes this run drew.
          const route = (b: PickList['bags'][number]) => {
            const si = pc.stairwells.findIndex((s) => s.id === b.stairwellId);
            const bi = pc.buildings.findIndex((x) => x.id === pc.stairwells[si]!.buildingId);
            return [buildingRoutes[bi]!, stairwellRoutes[si]!, b.floor, Number(b.room), b.seq];
          };
          for (let i = 1; i < pl.bags.length; i++) {
            const [p, q] = [route(pl.bags[i - 1]!), route(pl.bags[i]!)];
            const cmp = p.map((v, k) => v - q[k]!).find((d) => d !== 0) ?? 0;
            expect(cmp).toBeLessThan(0);
          }
          expect(pl.stairwells.reduce((s, x) => s + x.bags, 0)).toBe(expectedLines.size);
        },
      ),
      { numRuns: 15 },
    );
  });
});
