/**
 * Needs and errands (issue 15, part 2): who records a need for which household, the volunteer's
 * list (own stairwells first), one claimant under concurrent claims, the claim timeout, and
 * settlement of the advanced amount to the fen — online through the Stripe mock and in cash —
 * with the refusals of every procedure.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, careContacts, needClaims, needs, notifications } from '@/db/schema';
import { expireNeedClaims } from '@/server/services/needs/expire-need-claims';
import { CLAIM_TIMEOUT_MINUTES } from '@/server/services/needs/rules';
import type { SessionUser } from '@/server/services/shared/context';
import { makeCareWorld, rejectsWith, type CareWorld } from '@/tests/helpers/care-world';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, makeUser } from '@/tests/helpers/fixtures';
import { startTestStripe, type TestStripe } from '@/tests/helpers/stripe';

let database: Database;
let w: CareWorld;
let stripe: TestStripe;
let clock = new Date('2026-04-10T08:00:00+08:00');
const now = () => clock;

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeCareWorld(database, now);
  stripe = await startTestStripe();
});
afterAll(async () => {
  await stripe.close();
  await database.close();
});

const record = (u: SessionUser, householdId: string, extra: Record<string, unknown> = {}) =>
  w.as(u).needs.record({ communityId: w.c.id, householdId, kind: 'medicine', note: '降压药 一盒', ...extra });

describe('recording a need', () => {
  it('lets a resident record one for their own household only', async () => {
    const n = await record(w.people.resident, w.inS0[0]!.id, { kind: 'groceries' });
    expect(n.status).toBe('open');
    await rejectsWith(record(w.people.resident, w.inS0[2]!.id), 'NOT_FOUND', 'HOUSEHOLD_NOT_FOUND');
  });

  it('lets a volunteer record one for a care household of their stairwell, and counts it as contact', async () => {
    await record(w.people.volunteer, w.inS0[3]!.id, { urgency: 'urgent' });
    expect(
      await database.db.$count(
        careContacts,
        and(eq(careContacts.householdId, w.inS0[3]!.id), eq(careContacts.outcome, 'need_recorded')),
      ),
    ).toBe(1);
    // Not a care household, or not their stairwell, or another compound: not found.
    await rejectsWith(record(w.people.volunteer, w.inS0[2]!.id), 'NOT_FOUND', 'HOUSEHOLD_NOT_FOUND');
    await rejectsWith(record(w.volunteer2, w.inS0[3]!.id), 'NOT_FOUND', 'HOUSEHOLD_NOT_FOUND');
    await rejectsWith(record(w.people.admin, w.other.households[0]!.id), 'NOT_FOUND', 'HOUSEHOLD_NOT_FOUND');
    await rejectsWith(record(w.people.admin, w.inS0[1]!.id, { kind: 'drugs' }), 'BAD_REQUEST');
  });

  it('lets a coordinator record one for any household', async () => {
    const n = await record(w.people.admin, w.inS1[2]!.id, { kind: 'help' });
    expect(n.status).toBe('open');
  });
});

describe('the lists', () => {
  it('shows a volunteer every open need, their own stairwell first, care flags only for their stairwells', async () => {
    const list = await w.as(w.volunteer2).needs.list({ communityId: w.c.id });
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list[0]!.stairwellId).toBe(w.s1.id);
    const careNeed = list.find((n) => n.place.endsWith(w.inS0[3]!.room) && n.stairwellId === w.s0.id)!;
    expect(careNeed.care).toBeUndefined();
    const leaderView = await w.as(w.people.volunteer).needs.list({ communityId: w.c.id });
    // The leader's own stairwell first, the urgent care need on top of it.
    expect(leaderView[0]!.stairwellId).toBe(w.s0.id);
    expect(leaderView[0]!.urgency).toBe('urgent');
    expect(leaderView[0]!.care).toBe(true);
  });

  it('shows the coordinator every need, urgent on top, with its age', async () => {
    clock = new Date(clock.getTime() + 30 * 60_000);
    const list = await w.as(w.people.admin).needs.list({ communityId: w.c.id });
    expect(list[0]!.urgency).toBe('urgent');
    expect(list.every((n) => n.ageMinutes === 30)).toBe(true);
  });

  it('shows a resident their household needs', async () => {
    const mine = await w.as(w.people.resident).needs.mine({ communityId: w.c.id });
    expect(mine.map((n) => n.kind)).toEqual(['groceries']);
  });
});

describe('claiming', () => {
  it('gives a need to exactly one of many volunteers claiming at once', async () => {
    const n = await record(w.people.admin, w.inS1[1]!.id);
    const volunteers: SessionUser[] = [w.people.volunteer, w.volunteer2, w.floater];
    for (let i = 0; i < 7; i++) {
      const v = await makeUser(database.db, { name: `志愿者${i}` });
      await addMember(database.db, w.c.id, v, 'volunteer');
      volunteers.push(v);
    }
    const results = await Promise.allSettled(
      volunteers.map((v) => w.as(v).needs.claim({ communityId: w.c.id, needId: n.id })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect(r.reason).toMatchObject({ code: 'CONFLICT' });
    expect(
      await database.db.$count(needClaims, and(eq(needClaims.needId, n.id), eq(needClaims.status, 'active'))),
    ).toBe(1);
    const [row] = await database.db.select().from(needs).where(eq(needs.id, n.id));
    expect(row!.status).toBe('claimed');
    const winner = volunteers[results.findIndex((r) => r.status === 'fulfilled')]!;
    expect(row!.claimedBy).toBe(winner.id);
  });

  it('lets only the claimant mark it bought or delivered, or release it', async () => {
    const n = await record(w.people.admin, w.inS1[3]!.id);
    await w.as(w.volunteer2).needs.claim({ communityId: w.c.id, needId: n.id });
    await rejectsWith(
      w.as(w.floater).needs.bought({ communityId: w.c.id, needId: n.id }),
      'NOT_FOUND',
      'CLAIM_NOT_FOUND',
    );
    await w.as(w.volunteer2).needs.release({ communityId: w.c.id, needId: n.id });
    const again = await w.as(w.floater).needs.claim({ communityId: w.c.id, needId: n.id });
    expect(again.status).toBe('claimed');
  });

  it('times a claim out when it makes no progress, and gives the need back to the open list', async () => {
    const n = await record(w.people.admin, w.inS1[0]!.id);
    await w.as(w.floater).needs.claim({ communityId: w.c.id, needId: n.id });
    const bought = await record(w.people.admin, w.inS1[0]!.id, { kind: 'groceries' });
    await w.as(w.floater).needs.claim({ communityId: w.c.id, needId: bought.id });
    await w.as(w.floater).needs.bought({ communityId: w.c.id, needId: bought.id, advancedFen: 990 });
    const start = clock;
    const at = (m: number) => new Date(start.getTime() + m * 60_000);
    expect(
      await expireNeedClaims({ ctx: { db: database.db, now: () => at(CLAIM_TIMEOUT_MINUTES - 1) } }),
    ).toBe(0);
    expect(
      await expireNeedClaims({ ctx: { db: database.db, now: () => at(CLAIM_TIMEOUT_MINUTES + 1) } }),
    ).toBeGreaterThanOrEqual(1);
    const [row] = await database.db.select().from(needs).where(eq(needs.id, n.id));
    expect(row).toMatchObject({ status: 'open', claimedBy: null });
    const [claim] = await database.db.select().from(needClaims).where(eq(needClaims.needId, n.id));
    expect(claim!.status).toBe('expired');
    // The bought one made progress: it stays with its volunteer.
    const [b] = await database.db.select().from(needs).where(eq(needs.id, bought.id));
    expect(b!.status).toBe('bought');
    expect(
      await database.db.$count(
        notifications,
        and(eq(notifications.userId, w.floater.id), eq(notifications.kind, 'need.claim_expired')),
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await database.db.$count(
        auditLog,
        and(eq(auditLog.entityId, n.id), eq(auditLog.action, 'need.claim_expired')),
      ),
    ).toBe(1);
    // A second run finds nothing more to do; someone else can claim it now.
    expect(
      await expireNeedClaims({ ctx: { db: database.db, now: () => at(CLAIM_TIMEOUT_MINUTES + 2) } }),
    ).toBe(0);
    await w.as(w.volunteer2).needs.claim({ communityId: w.c.id, needId: n.id });
  });
});

describe('settling what the volunteer advanced', () => {
  async function delivered(amountFen: number, householdId = w.inS0[0]!.id) {
    const n = await record(w.people.admin, householdId);
    await w.as(w.people.volunteer).needs.claim({ communityId: w.c.id, needId: n.id });
    await w.as(w.people.volunteer).needs.bought({ communityId: w.c.id, needId: n.id });
    const d = await w
      .as(w.people.volunteer)
      .needs.delivered({ communityId: w.c.id, needId: n.id, advancedFen: amountFen });
    return { id: n.id, status: d.status };
  }

  it('settles online for exactly the advanced amount, to the fen', async () => {
    const n = await delivered(2345);
    expect(n.status).toBe('delivered');
    const paid = await w.as(w.people.resident).needs.payOnline({ communityId: w.c.id, needId: n.id });
    expect(paid).toMatchObject({ status: 'settled', amountFen: 2345 });
    const [row] = await database.db.select().from(needs).where(eq(needs.id, n.id));
    expect(row).toMatchObject({ settlement: 'online', advancedFen: 2345 });
    const pi = stripe.mock.paymentIntents().find((p) => p.id === row!.paymentIntentId);
    expect(pi).toMatchObject({ amount: 2345, currency: 'cny', status: 'succeeded' });
    await rejectsWith(
      w.as(w.people.resident).needs.payOnline({ communityId: w.c.id, needId: n.id }),
      'PRECONDITION_FAILED',
      'NEED_NOT_PAYABLE',
    );
    // Another household cannot pay it.
    await rejectsWith(
      w.as(w.residents[2]!).needs.payOnline({ communityId: w.c.id, needId: n.id }),
      'NOT_FOUND',
      'NEED_NOT_FOUND',
    );
  });

  it('records a cash settlement, refusing an amount that does not match to the fen', async () => {
    const n = await delivered(1801);
    await rejectsWith(
      w.as(w.people.volunteer).needs.settleCash({ communityId: w.c.id, needId: n.id, amountFen: 1800 }),
      'PRECONDITION_FAILED',
      'NEED_AMOUNT_MISMATCH',
    );
    await rejectsWith(
      w.as(w.volunteer2).needs.settleCash({ communityId: w.c.id, needId: n.id, amountFen: 1801 }),
      'NOT_FOUND',
      'NEED_NOT_FOUND',
    );
    const s = await w
      .as(w.people.volunteer)
      .needs.settleCash({ communityId: w.c.id, needId: n.id, amountFen: 1801 });
    expect(s).toMatchObject({ status: 'settled', settlement: 'cash', amountFen: 1801 });
    await rejectsWith(
      w.as(w.people.volunteer).needs.settleCash({ communityId: w.c.id, needId: n.id, amountFen: 1801 }),
      'PRECONDITION_FAILED',
      'NEED_ILLEGAL_TRANSITION',
    );
  });

  it('settles at once when nothing was advanced', async () => {
    const n = await delivered(0);
    expect(n.status).toBe('settled');
    await rejectsWith(
      w.as(w.people.admin).needs.claim({ communityId: w.c.id, needId: n.id }),
      'PRECONDITION_FAILED',
      'NEED_ILLEGAL_TRANSITION',
    );
  });
});

describe('refusals', () => {
  it('refuses anonymous callers, wrong roles and other compounds on every procedure', async () => {
    const n = await record(w.people.admin, w.inS0[2]!.id);
    const c = w.c.id;
    type U = SessionUser | null;
    const staff = [
      (u: U) => w.as(u).needs.list({ communityId: c }),
      (u: U) => w.as(u).needs.claim({ communityId: c, needId: n.id }),
      (u: U) => w.as(u).needs.release({ communityId: c, needId: n.id }),
      (u: U) => w.as(u).needs.bought({ communityId: c, needId: n.id }),
      (u: U) => w.as(u).needs.delivered({ communityId: c, needId: n.id, advancedFen: 1 }),
      (u: U) => w.as(u).needs.settleCash({ communityId: c, needId: n.id, amountFen: 1 }),
    ];
    const resident = [
      (u: U) => w.as(u).needs.mine({ communityId: c }),
      (u: U) => w.as(u).needs.payOnline({ communityId: c, needId: n.id }),
    ];
    const anyone = [
      (u: U) => w.as(u).needs.record({ communityId: c, householdId: w.inS0[2]!.id, kind: 'help' }),
    ];
    for (const call of [...staff, ...resident, ...anyone]) {
      await rejectsWith(call(null), 'UNAUTHORIZED');
      await rejectsWith(call(w.otherAdmin), 'FORBIDDEN');
      await rejectsWith(call(w.otherResident), 'FORBIDDEN');
    }
    for (const call of staff) await rejectsWith(call(w.residentS1), 'FORBIDDEN');
    for (const call of resident) await rejectsWith(call(w.floater), 'FORBIDDEN');
    // The other compound's coordinator, through their own compound, cannot reach this need.
    await rejectsWith(
      w.as(w.otherAdmin).needs.claim({ communityId: w.other.id, needId: n.id }),
      'NOT_FOUND',
      'NEED_NOT_FOUND',
    );
  });
});
