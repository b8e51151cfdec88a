/**
 * The gate register (一戴三查, issue 14 §3) on a real database: out/in pairs, double scans, who may
 * keep it (on duty), the household code, and the 14-day purge.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { auditLog, gateEntries } from '@/db/schema';
import { gatePurgeJob } from '@/server/jobs/gate-purge';
import { JOBS } from '@/server/jobs';
import { gateCode } from '@/server/services/health/gate-code';
import type { SessionUser } from '@/server/services/shared/context';
import { callerFor } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeCommunity, makeRoleUsers } from '@/tests/helpers/fixtures';
import { refusal } from '@/tests/helpers/health';

let database: Database;
const T0 = new Date('2022-05-20T23:30:00Z'); // 07:30 in Shanghai
let clock = T0;
const now = () => clock;
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const as = (user: SessionUser | null) => callerFor(database, user, now);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function scene() {
  clock = T0;
  const c = await makeCommunity(database.db, {
    buildings: 1,
    stairwellsPerBuilding: 2,
    householdsPerStairwell: 2,
  });
  const p = await makeRoleUsers(database.db, c);
  const other = await makeCommunity(database.db, { buildings: 1, stairwellsPerBuilding: 1 });
  const otherPeople = await makeRoleUsers(database.db, other);
  // The volunteer keeps the gate from 07:00 to 11:00.
  const duty = await as(p.admin).healthRounds.assignGateDuty({
    communityId: c.id,
    userId: p.volunteer.id,
    startsAt: minutes(-30),
    endsAt: minutes(210),
  });
  const { code } = await as(p.resident).healthRounds.myGateCode({ communityId: c.id });
  return { c, p, other, otherPeople, duty, code };
}

describe('out and back in', () => {
  it('pairs an outing, shows who is out and for how long, and takes double scans once', async () => {
    const { c, p, code } = await scene();
    expect(code).toBe(gateCode(c.id, c.households[0]!.id));
    const gate = as(p.volunteer).healthRounds;
    const out = await gate.registerGate({
      communityId: c.id,
      code: `LLG:${code}`,
      direction: 'out',
      temperature: 36.5,
    });
    expect(out).toMatchObject({ label: '1-1-101', inAt: null, already: false, temperature: 36.5 });
    // The same card scanned again, or typed in lower case: the same outing.
    clock = minutes(1);
    const again = await gate.registerGate({ communityId: c.id, code: code.toLowerCase(), direction: 'out' });
    expect(again).toMatchObject({ entryId: out.entryId, already: true });
    clock = minutes(45);
    const register = await gate.gateRegister({ communityId: c.id });
    expect(register.outNow).toEqual([
      expect.objectContaining({ entryId: out.entryId, minutesOut: 45, label: '1-1-101' }),
    ]);
    expect(register.retentionDays).toBe(14);
    expect(register.dutyEndsAt).toBe(minutes(210).toISOString());

    const back = await gate.registerGate({
      communityId: c.id,
      code,
      direction: 'in',
      maskOk: true,
      note: '买菜回来',
    });
    expect(back).toMatchObject({ entryId: out.entryId, inAt: minutes(45).toISOString(), already: false });
    clock = minutes(46);
    expect(await gate.registerGate({ communityId: c.id, code, direction: 'in' })).toMatchObject({
      entryId: out.entryId,
      already: true,
    });
    const after = await gate.gateRegister({ communityId: c.id });
    expect(after.outNow).toEqual([]);
    expect(after.recent).toEqual([
      expect.objectContaining({ entryId: out.entryId, minutesOut: 45, note: '买菜回来' }),
    ]);
    const rows = await database.db.select().from(gateEntries).where(eq(gateEntries.communityId, c.id));
    expect(rows).toHaveLength(1);
    // The audit says who and which direction, never which household.
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.communityId, c.id), eq(auditLog.entityType, 'gate_entry')));
    expect(audits.map((a) => a.action).sort()).toEqual(['gate.in', 'gate.out']);
    expect(JSON.stringify(audits)).not.toContain(c.households[0]!.id);

    // Much later, "in" without an outing is refused; a new outing starts a new pair.
    clock = minutes(120);
    expect(await refusal(gate.registerGate({ communityId: c.id, code, direction: 'in' }))).toEqual({
      code: 'PRECONDITION_FAILED',
      appCode: 'GATE_NOT_OUT',
    });
    const second = await gate.registerGate({ communityId: c.id, code, direction: 'out' });
    expect(second.entryId).not.toBe(out.entryId);
  });

  it('two phones scanning the same card at once open one outing', async () => {
    const { c, p, code } = await scene();
    const results = await Promise.all(
      [p.volunteer, p.admin, p.owner].map((u) =>
        as(u).healthRounds.registerGate({ communityId: c.id, code, direction: 'out' }),
      ),
    );
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(results.filter((r) => !r.already)).toHaveLength(1);
  });

  it('refuses unknown codes, codes of another compound and implausible temperatures', async () => {
    const { c, p, other } = await scene();
    const gate = as(p.volunteer).healthRounds;
    expect(await refusal(gate.registerGate({ communityId: c.id, code: 'hello', direction: 'out' }))).toEqual({
      code: 'NOT_FOUND',
      appCode: 'GATE_CODE_UNKNOWN',
    });
    const foreign = gateCode(other.id, other.households[0]!.id);
    expect(await refusal(gate.registerGate({ communityId: c.id, code: foreign, direction: 'out' }))).toEqual({
      code: 'NOT_FOUND',
      appCode: 'GATE_CODE_UNKNOWN',
    });
    const code = gateCode(c.id, c.households[1]!.id);
    expect(
      await refusal(gate.registerGate({ communityId: c.id, code, direction: 'out', temperature: 3.65 })),
    ).toEqual({
      code: 'BAD_REQUEST',
      appCode: 'TEMPERATURE_INVALID',
    });
  });
});

describe('who keeps the register', () => {
  it('is the volunteers on duty and the coordinators; nobody else', async () => {
    const { c, p, otherPeople, duty, code } = await scene();
    const input = { communityId: c.id, code, direction: 'out' as const };
    expect(await refusal(as(null).healthRounds.registerGate(input))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await refusal(as(p.resident).healthRounds.registerGate(input))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(p.resident).healthRounds.gateRegister({ communityId: c.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await refusal(as(otherPeople.owner).healthRounds.gateRegister({ communityId: c.id })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await refusal(as(otherPeople.volunteer).healthRounds.registerGate(input))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // Before the shift, and after it ends, the volunteer is refused.
    clock = minutes(-31);
    expect(await refusal(as(p.volunteer).healthRounds.gateRegister({ communityId: c.id }))).toEqual({
      code: 'FORBIDDEN',
      appCode: 'GATE_NOT_ON_DUTY',
    });
    clock = minutes(10);
    await as(p.volunteer).healthRounds.gateRegister({ communityId: c.id });
    await as(p.admin).healthRounds.endGateDuty({ communityId: c.id, dutyId: duty.dutyId });
    clock = minutes(11);
    expect(await refusal(as(p.volunteer).healthRounds.registerGate(input))).toEqual({
      code: 'FORBIDDEN',
      appCode: 'GATE_NOT_ON_DUTY',
    });
    // Coordinators always may.
    expect((await as(p.owner).healthRounds.registerGate(input)).already).toBe(false);
    // Duty goes to volunteers of this compound only.
    expect(
      await refusal(
        as(p.admin).healthRounds.assignGateDuty({
          communityId: c.id,
          userId: otherPeople.volunteer.id,
          startsAt: minutes(0),
          endsAt: minutes(60),
        }),
      ),
    ).toEqual({ code: 'NOT_FOUND', appCode: 'VOLUNTEER_NOT_FOUND' });
    const duties = await as(p.admin).healthRounds.gateDuties({ communityId: c.id });
    expect(duties.volunteers.map((v) => v.id)).toContain(p.volunteer.id);
  });

  it('prints the codes of a building for people without a phone (coordinators only)', async () => {
    const { c, p, code } = await scene();
    const cards = await as(p.admin).healthRounds.gateCodes({
      communityId: c.id,
      buildingId: c.buildings[0]!.id,
    });
    expect(cards).toHaveLength(4);
    expect(cards[0]).toMatchObject({ label: '1-1-101', code, qrText: `LLG:${code}` });
    expect(
      await refusal(
        as(p.volunteer).healthRounds.gateCodes({ communityId: c.id, buildingId: c.buildings[0]!.id }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('the 14-day purge', () => {
  it('deletes entries whose last time is older than 14 days, as a registered job, and keeps the rest', async () => {
    const { c, p, code } = await scene();
    expect(JOBS).toContain(gatePurgeJob);
    const gate = as(p.owner).healthRounds;
    const old = await gate.registerGate({ communityId: c.id, code, direction: 'out' });
    clock = minutes(60);
    await gate.registerGate({ communityId: c.id, code, direction: 'in' });
    const code2 = gateCode(c.id, c.households[1]!.id);
    // Out on day 10, back on day 15: its last time is recent, it stays.
    clock = minutes(10 * 24 * 60);
    const longTrip = await gate.registerGate({ communityId: c.id, code: code2, direction: 'out' });
    clock = minutes(15 * 24 * 60);
    await gate.registerGate({ communityId: c.id, code: code2, direction: 'in' });

    const purgeAt = minutes(14 * 24 * 60 + 61); // 14 days and a minute after the first came back
    expect(await gatePurgeJob.run(database, purgeAt)).toBeGreaterThanOrEqual(1);
    const left = await database.db
      .select({ id: gateEntries.id })
      .from(gateEntries)
      .where(eq(gateEntries.communityId, c.id));
    expect(left.map((r) => r.id)).toEqual([longTrip.entryId]);
    expect(left.map((r) => r.id)).not.toContain(old.entryId);
    // Idempotent.
    const again = await gatePurgeJob.run(database, purgeAt);
    const stillLeft = await database.db
      .select({ id: gateEntries.id })
      .from(gateEntries)
      .where(eq(gateEntries.communityId, c.id));
    expect(stillLeft).toHaveLength(1);
    expect(again).toBeGreaterThanOrEqual(0);
    const purgeAudit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.communityId, c.id), eq(auditLog.action, 'gate.purge')));
    expect(purgeAudit[0]!.after).toMatchObject({ deleted: 1, olderThanDays: 14 });
  });
});
