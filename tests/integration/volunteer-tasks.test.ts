/**
 * Volunteers who sign up and claim tasks (issue 15, part 3): a resident offers, a coordinator
 * accepts them into roles, shifts with slots are never over-claimed under concurrency, the day's
 * view puts unfilled shifts first with counts per role, check in / out, and the refusals.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/db/client';
import { memberships, stairwellAssignments, taskClaims, volunteerRoles, volunteerTasks } from '@/db/schema';
import type { SessionUser } from '@/server/services/shared/context';
import type { VolunteerRole } from '@/server/services/tasks/rules';
import { makeCareWorld, rejectsWith, type CareWorld } from '@/tests/helpers/care-world';
import { createTestDatabase } from '@/tests/helpers/db';
import { addMember, makeUser } from '@/tests/helpers/fixtures';

let database: Database;
let w: CareWorld;
const clock = new Date('2026-04-10T06:00:00+08:00');

beforeAll(async () => {
  database = await createTestDatabase();
  w = await makeCareWorld(database, () => clock);
  await grantRoles(w.volunteer2, ['gate', 'disinfection']);
  await grantRoles(w.floater, ['gate', 'testing']);
});

/** As a coordinator's acceptance would: the roles a volunteer may take slots of. */
async function grantRoles(user: SessionUser, roles: VolunteerRole[]) {
  await database.db
    .insert(volunteerRoles)
    .values(roles.map((role) => ({ communityId: w.c.id, userId: user.id, role })));
}
afterAll(async () => {
  await database.close();
});

const shift = (title: string, hour: number, slots: number, role: VolunteerRole = 'gate') => ({
  communityId: w.c.id,
  role,
  title,
  place: '南门',
  startsAt: new Date(`2026-04-10T${String(hour).padStart(2, '0')}:00:00+08:00`),
  endsAt: new Date(`2026-04-10T${String(hour + 4).padStart(2, '0')}:00:00+08:00`),
  slots,
});

describe('signing up', () => {
  it('lets a resident offer to volunteer once, and a coordinator accept them into roles', async () => {
    const r = w.residents[2]!;
    const app = await w
      .as(r)
      .volunteers.offer({ communityId: w.c.id, skills: '会开车', availability: '每天上午' });
    expect(app.status).toBe('pending');
    await rejectsWith(
      w.as(r).volunteers.offer({ communityId: w.c.id }),
      'CONFLICT',
      'VOLUNTEER_APPLICATION_PENDING',
    );
    const pending = await w.as(w.people.admin).volunteers.applications({ communityId: w.c.id });
    expect(pending.map((p) => p.name)).toContain(r.name);
    expect((await w.as(r).volunteers.myStatus({ communityId: w.c.id })).application?.status).toBe('pending');
    await rejectsWith(
      w
        .as(w.people.admin)
        .volunteers.decide({ communityId: w.c.id, applicationId: app.id, decision: 'accept' }),
      'BAD_REQUEST',
      'VOLUNTEER_ROLE_REQUIRED',
    );
    const d = await w.as(w.people.admin).volunteers.decide({
      communityId: w.c.id,
      applicationId: app.id,
      decision: 'accept',
      roles: ['gate', 'stairwell'],
      stairwellId: w.s0.id,
    });
    expect(d.status).toBe('accepted');
    expect(
      await database.db.$count(
        memberships,
        and(eq(memberships.userId, r.id), eq(memberships.role, 'volunteer')),
      ),
    ).toBe(1);
    expect(await database.db.$count(volunteerRoles, eq(volunteerRoles.userId, r.id))).toBe(2);
    expect(await database.db.$count(stairwellAssignments, eq(stairwellAssignments.userId, r.id))).toBe(1);
    expect((await w.as(r).volunteers.myStatus({ communityId: w.c.id })).volunteer).toBe(true);
    await rejectsWith(
      w
        .as(w.people.owner)
        .volunteers.decide({ communityId: w.c.id, applicationId: app.id, decision: 'decline' }),
      'PRECONDITION_FAILED',
      'VOLUNTEER_APPLICATION_DECIDED',
    );
    await rejectsWith(w.as(r).volunteers.offer({ communityId: w.c.id }), 'CONFLICT', 'ALREADY_VOLUNTEER');
    // The new volunteer can now see the day's shifts, and take a gate slot but not a testing one.
    const later = (t: ReturnType<typeof shift>) => ({
      ...t,
      startsAt: new Date('2026-04-12T06:00:00+08:00'),
      endsAt: new Date('2026-04-12T10:00:00+08:00'),
    });
    const gate = await w.as(w.people.admin).volunteers.createTask(later(shift('南门早班', 6, 2)));
    const testing = await w.as(w.people.admin).volunteers.createTask(later(shift('核酸点', 6, 2, 'testing')));
    expect((await w.as(r).volunteers.tasks({ communityId: w.c.id, date: '2026-04-10' })).date).toBe(
      '2026-04-10',
    );
    const day = await w.as(r).volunteers.tasks({ communityId: w.c.id, date: '2026-04-12' });
    expect(day.myRoles.sort()).toEqual(['gate', 'stairwell']);
    expect(day.tasks.find((t) => t.id === gate.id)!.canClaim).toBe(true);
    expect(day.tasks.find((t) => t.id === testing.id)!.canClaim).toBe(false);
    await w.as(r).volunteers.claimSlot({ communityId: w.c.id, taskId: gate.id });
    await rejectsWith(
      w.as(r).volunteers.claimSlot({ communityId: w.c.id, taskId: testing.id }),
      'FORBIDDEN',
      'TASK_ROLE_REQUIRED',
    );
    await w.as(r).volunteers.releaseSlot({ communityId: w.c.id, taskId: gate.id });
  });

  it('declines an offer without making a volunteer', async () => {
    const app = await w.as(w.residentS1).volunteers.offer({ communityId: w.c.id });
    await w
      .as(w.people.admin)
      .volunteers.decide({ communityId: w.c.id, applicationId: app.id, decision: 'decline' });
    expect(
      await database.db.$count(
        memberships,
        and(eq(memberships.userId, w.residentS1.id), eq(memberships.role, 'volunteer')),
      ),
    ).toBe(0);
    await rejectsWith(
      w.as(w.otherAdmin).volunteers.decide({
        communityId: w.other.id,
        applicationId: app.id,
        decision: 'accept',
        roles: ['gate'],
      }),
      'NOT_FOUND',
      'VOLUNTEER_APPLICATION_NOT_FOUND',
    );
  });
});

describe('shifts and slots', () => {
  it('never over-fills a shift when many volunteers claim at once', async () => {
    const t = await w.as(w.people.admin).volunteers.createTask(shift('南门 07:00–11:00', 7, 2));
    const volunteers: SessionUser[] = [];
    for (let i = 0; i < 8; i++) {
      const v = await makeUser(database.db, { name: `门岗${i}` });
      await addMember(database.db, w.c.id, v, 'volunteer');
      await grantRoles(v, ['gate']);
      volunteers.push(v);
    }
    const results = await Promise.allSettled(
      volunteers.map((v) => w.as(v).volunteers.claimSlot({ communityId: w.c.id, taskId: t.id })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of results.filter((x) => x.status === 'rejected'))
      expect(r.reason).toMatchObject({ code: 'CONFLICT' });
    const [row] = await database.db.select().from(volunteerTasks).where(eq(volunteerTasks.id, t.id));
    expect(row!.filled).toBe(2);
    expect(
      await database.db.$count(
        taskClaims,
        and(eq(taskClaims.taskId, t.id), eq(taskClaims.status, 'claimed')),
      ),
    ).toBe(2);
  });

  it('refuses the same person twice, lets them release, and shows unfilled shifts first with counts', async () => {
    const full = await w.as(w.people.admin).volunteers.createTask(shift('北门', 8, 1));
    const open = await w.as(w.people.admin).volunteers.createTask(shift('核酸点引导', 13, 4, 'testing'));
    await w.as(w.volunteer2).volunteers.claimSlot({ communityId: w.c.id, taskId: full.id });
    await rejectsWith(
      w.as(w.floater).volunteers.claimSlot({ communityId: w.c.id, taskId: full.id }),
      'CONFLICT',
      'TASK_FULL',
    );
    await w.as(w.floater).volunteers.claimSlot({ communityId: w.c.id, taskId: open.id });
    await rejectsWith(
      w.as(w.floater).volunteers.claimSlot({ communityId: w.c.id, taskId: open.id }),
      'CONFLICT',
      'TASK_ALREADY_CLAIMED',
    );
    const day = await w.as(w.floater).volunteers.tasks({ communityId: w.c.id, date: '2026-04-10' });
    expect(day.tasks[0]!.open).toBeGreaterThan(0);
    expect(day.tasks.at(-1)!.open).toBe(0);
    expect(day.tasks.find((t) => t.id === open.id)!.myClaim).not.toBeNull();
    expect(day.counts).toEqual(
      expect.arrayContaining([
        { role: 'gate', tasks: 2, slots: 3, filled: 3 },
        { role: 'testing', tasks: 1, slots: 4, filled: 1 },
      ]),
    );
    const released = await w.as(w.floater).volunteers.releaseSlot({ communityId: w.c.id, taskId: open.id });
    expect(released.filled).toBe(0);
    await rejectsWith(
      w.as(w.floater).volunteers.releaseSlot({ communityId: w.c.id, taskId: open.id }),
      'NOT_FOUND',
      'TASK_CLAIM_NOT_FOUND',
    );
    // The next day is empty.
    expect(
      (await w.as(w.floater).volunteers.tasks({ communityId: w.c.id, date: '2026-04-11' })).tasks,
    ).toEqual([]);
  });

  it('checks a volunteer in and out of a shift, in that order, once each', async () => {
    const t = await w.as(w.people.admin).volunteers.createTask(shift('消杀', 9, 2, 'disinfection'));
    await w.as(w.volunteer2).volunteers.claimSlot({ communityId: w.c.id, taskId: t.id });
    await rejectsWith(
      w.as(w.volunteer2).volunteers.checkShift({ communityId: w.c.id, taskId: t.id, action: 'out' }),
      'PRECONDITION_FAILED',
      'TASK_NOT_CHECKED_IN',
    );
    const inn = await w
      .as(w.volunteer2)
      .volunteers.checkShift({ communityId: w.c.id, taskId: t.id, action: 'in' });
    expect(inn.checkedInAt).toEqual(clock);
    await rejectsWith(
      w.as(w.volunteer2).volunteers.releaseSlot({ communityId: w.c.id, taskId: t.id }),
      'PRECONDITION_FAILED',
      'TASK_ALREADY_STARTED',
    );
    const out = await w
      .as(w.volunteer2)
      .volunteers.checkShift({ communityId: w.c.id, taskId: t.id, action: 'out' });
    expect(out.checkedOutAt).toEqual(clock);
  });

  it('keeps a gate slot for volunteers accepted into the gate role', async () => {
    const t = await w.as(w.people.admin).volunteers.createTask(shift('西门', 16, 2));
    const newcomer = await makeUser(database.db, { name: '新志愿者' });
    await addMember(database.db, w.c.id, newcomer, 'volunteer');
    await rejectsWith(
      w.as(newcomer).volunteers.claimSlot({ communityId: w.c.id, taskId: t.id }),
      'FORBIDDEN',
      'TASK_ROLE_REQUIRED',
    );
    // Stairwell shifts are open to anyone seated on a stairwell (the leader of stairwell 0 here).
    const sw = await w.as(w.people.admin).volunteers.createTask(shift('楼道消杀', 16, 1, 'stairwell'));
    await w.as(w.people.volunteer).volunteers.claimSlot({ communityId: w.c.id, taskId: sw.id });
    await grantRoles(newcomer, ['gate']);
    const ok = await w.as(newcomer).volunteers.claimSlot({ communityId: w.c.id, taskId: t.id });
    expect(ok.filled).toBe(1);
    // Coordinators may always step in.
    await w.as(w.people.admin).volunteers.claimSlot({ communityId: w.c.id, taskId: t.id });
    const [row] = await database.db.select().from(volunteerTasks).where(eq(volunteerTasks.id, t.id));
    expect(row!.filled).toBe(2);
  });

  it('counts slots per day over the week', async () => {
    const day = await w.as(w.people.admin).volunteers.tasks({ communityId: w.c.id, date: '2026-04-10' });
    const today = day.week.find((d) => d.day === '2026-04-10')!;
    expect(today.tasks).toBe(day.tasks.length);
    expect(today.slots).toBe(day.tasks.reduce((n, t) => n + t.slots, 0));
    expect(today.filled).toBe(day.tasks.reduce((n, t) => n + t.filled, 0));
  });

  it('refuses a shift that ends before it starts', async () => {
    await rejectsWith(
      w
        .as(w.people.admin)
        .volunteers.createTask({ ...shift('错', 9, 1), endsAt: new Date('2026-04-10T08:00:00+08:00') }),
      'BAD_REQUEST',
      'TASK_TIME_ORDER',
    );
  });
});

describe('refusals', () => {
  it('refuses anonymous callers, wrong roles and other compounds on every procedure', async () => {
    const t = await w.as(w.people.admin).volunteers.createTask(shift('南门', 15, 3));
    const c = w.c.id;
    type U = SessionUser | null;
    const coordinator = [
      (u: U) => w.as(u).volunteers.applications({ communityId: c }),
      (u: U) => w.as(u).volunteers.decide({ communityId: c, applicationId: t.id, decision: 'decline' }),
      (u: U) => w.as(u).volunteers.createTask({ ...shift('x', 10, 1), communityId: c }),
    ];
    const staff = [
      (u: U) => w.as(u).volunteers.tasks({ communityId: c }),
      (u: U) => w.as(u).volunteers.claimSlot({ communityId: c, taskId: t.id }),
      (u: U) => w.as(u).volunteers.releaseSlot({ communityId: c, taskId: t.id }),
      (u: U) => w.as(u).volunteers.checkShift({ communityId: c, taskId: t.id, action: 'in' }),
    ];
    const resident = [(u: U) => w.as(u).volunteers.offer({ communityId: c })];
    const anyone = [(u: U) => w.as(u).volunteers.myStatus({ communityId: c })];
    for (const call of [...coordinator, ...staff, ...resident, ...anyone]) {
      await rejectsWith(call(null), 'UNAUTHORIZED');
      await rejectsWith(call(w.otherAdmin), 'FORBIDDEN');
      await rejectsWith(call(w.otherResident), 'FORBIDDEN');
    }
    for (const call of [...coordinator, ...staff]) await rejectsWith(call(w.residentS1), 'FORBIDDEN');
    for (const call of coordinator) await rejectsWith(call(w.volunteer2), 'FORBIDDEN');
    for (const call of resident) await rejectsWith(call(w.floater), 'FORBIDDEN');
    // A task of this compound, claimed through another compound, is not found.
    await rejectsWith(
      w.as(w.otherAdmin).volunteers.claimSlot({ communityId: w.other.id, taskId: t.id }),
      'NOT_FOUND',
      'TASK_NOT_FOUND',
    );
  });
});
