/**
 * Demo data for the health rounds (issue 14), on top of the demo compound:
 * - yesterday's 抗原自测 round, finished: every stairwell reported except three late ones, one
 *   stairwell with 1 异常 (and its follow-up), a few rows with people away (with a reason);
 * - today's 核酸 session, half done: the first half of the buildings sampled (walk-ins counted),
 *   one building being called now, and 3号楼 (the demo resident's) next in the queue;
 * - a day of gate entries (一戴三查), a few households still out, and the demo volunteer on gate
 *   duty for the next hours.
 * Deterministic content (a seeded PRNG); times are relative to the moment it runs.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/client';
import {
  buildings,
  gateDuties,
  gateEntries,
  healthRounds,
  selfTestFollowUps,
  selfTestReports,
  testingBuildings,
  testingStairwells,
} from '@/db/schema';
import type { DemoRefs } from './extras';
import { demoId, Prng } from './random';
import { inTransaction } from '@/server/services/shared/tx';

const MIN = 60_000;

export async function seedHealthDemo(database: Database, demo: DemoRefs): Promise<void> {
  const communityId = demo.communityId;
  const selfTestId = demoId('health:self-test');
  const now = new Date();
  await inTransaction(database.db, async (tx) => {
    const [exists] = await tx
      .select({ id: healthRounds.id })
      .from(healthRounds)
      .where(and(eq(healthRounds.communityId, communityId), eq(healthRounds.id, selfTestId)));
    if (exists) return;
    const rng = new Prng('health-demo');
    const sws = await queryRows<{
      id: string;
      building_id: string;
      building: string;
      registered: number;
      leader: string | null;
    }>(
      tx,
      sql`select s.id, s.building_id, b.number as building,
                 coalesce((select sum(h.headcount) from households h where h.community_id = s.community_id and h.stairwell_id = s.id), 0)::int as registered,
                 (select a.user_id from stairwell_assignments a where a.community_id = s.community_id and a.stairwell_id = s.id and a.role = 'leader' limit 1) as leader
            from stairwells s join buildings b on b.community_id = s.community_id and b.id = s.building_id
           where s.community_id = ${communityId} order by s.route_order`,
    );

    // Yesterday 07:00–09:00 (Shanghai is UTC+8): the self-test round.
    const opened = new Date(now.getTime() - 24 * 60 * MIN);
    opened.setUTCHours(23, 0, 0, 0);
    if (opened.getTime() > now.getTime() - 20 * 60 * MIN) opened.setTime(opened.getTime() - 24 * 60 * MIN);
    const deadline = new Date(opened.getTime() + 120 * MIN);
    await tx.insert(healthRounds).values({
      communityId,
      id: selfTestId,
      kind: 'self_test',
      status: 'closed',
      title: '抗原自测（昨日）',
      openedBy: demo.users.owner,
      openedAt: opened,
      deadlineAt: deadline,
      closedAt: deadline,
    });
    const late = new Set([7, 41, 96].map((i) => sws[i % sws.length]!.id));
    const anomaly = sws[Math.min(58, sws.length - 1)]!.id;
    const rows = sws
      .filter((s) => !late.has(s.id) && s.registered > 0)
      .map((s) => {
        const away = rng.chance(0.12) ? rng.int(1, 2) : 0;
        const actual = Math.max(0, s.registered - away);
        const abnormal = s.id === anomaly ? 1 : 0;
        const invalid = rng.chance(0.08) ? 1 : 0;
        return {
          communityId,
          roundId: selfTestId,
          stairwellId: s.id,
          actual,
          negative: Math.max(0, actual - abnormal - invalid),
          abnormal,
          invalid: actual - abnormal > 0 ? invalid : 0,
          reason: away ? '有人外出未归' : '',
          submittedBy: s.leader ?? demo.users.owner,
          submittedAt: new Date(opened.getTime() + rng.int(10, 115) * MIN),
        };
      });
    await tx.insert(selfTestReports).values(rows);
    await tx
      .insert(selfTestFollowUps)
      .values({ communityId, roundId: selfTestId, stairwellId: anomaly, abnormal: 1 });

    // Today: the testing session, half done, 3号楼 next.
    const testingId = demoId('health:testing');
    const blds = await tx
      .select({ id: buildings.id, number: buildings.number })
      .from(buildings)
      .where(eq(buildings.communityId, communityId))
      .orderBy(asc(buildings.routeOrder), asc(buildings.number));
    const three = blds.find((b) => b.number === '3');
    const rest = blds.filter((b) => b !== three);
    const half = Math.floor(rest.length / 2);
    const order = three ? [...rest.slice(0, half + 1), three, ...rest.slice(half + 1)] : rest;
    const start = new Date(now.getTime() - (half + 1) * 12 * MIN - 5 * MIN);
    await tx.insert(healthRounds).values({
      communityId,
      id: testingId,
      kind: 'testing',
      status: 'open',
      title: '核酸检测（今日）',
      openedBy: demo.users.owner,
      openedAt: start,
    });
    await tx.insert(testingBuildings).values(
      order.map((b, i) => {
        const calledAt = i <= half ? new Date(start.getTime() + i * 12 * MIN) : null;
        const done = i < half;
        return {
          communityId,
          roundId: testingId,
          buildingId: b.id,
          position: i + 1,
          status: done ? ('done' as const) : i === half ? ('called' as const) : ('queued' as const),
          calledAt,
          calls: calledAt ? 1 : 0,
          doneAt: done ? new Date(calledAt!.getTime() + rng.int(9, 14) * MIN) : null,
        };
      }),
    );
    const doneBuildings = new Set(order.slice(0, half).map((b) => b.id));
    const sampled = sws.filter((s) => doneBuildings.has(s.building_id));
    if (sampled.length)
      await tx.insert(testingStairwells).values(
        sampled.map((s) => ({
          communityId,
          roundId: testingId,
          stairwellId: s.id,
          doneAt: new Date(start.getTime() + rng.int(5, half * 12) * MIN),
          doneBy: demo.users.volunteer,
          walkIns: rng.chance(0.3) ? rng.int(1, 3) : 0,
        })),
      );

    // A day at the south gate.
    const hhs = await queryRows<{ id: string }>(
      tx,
      sql`select id from households where community_id = ${communityId} order by id limit 400`,
    );
    const entries = Array.from({ length: 48 }, (_, i) => {
      const h = hhs[rng.int(0, hhs.length - 1)]!.id;
      const outAt = new Date(now.getTime() - rng.int(30, 20 * 60) * MIN);
      const stillOut = i < 4;
      const back = new Date(outAt.getTime() + rng.int(20, 150) * MIN);
      return {
        communityId,
        householdId: h,
        outAt,
        outBy: demo.users.volunteer,
        inAt: stillOut || back > now ? null : back,
        inBy: stillOut || back > now ? null : demo.users.volunteer,
        maskOk: !rng.chance(0.04),
        temperature: (36 + rng.int(1, 8) / 10).toFixed(1),
        outNote: rng.chance(0.2) ? '买菜' : '',
      };
    });
    // One open outing per household at most.
    const open = new Set<string>();
    const kept = entries.filter((e) => {
      if (e.inAt) return true;
      if (open.has(e.householdId)) return false;
      open.add(e.householdId);
      return true;
    });
    await tx.insert(gateEntries).values(kept);
    await tx.insert(gateDuties).values({
      communityId,
      userId: demo.users.volunteer,
      startsAt: new Date(now.getTime() - 60 * MIN),
      endsAt: new Date(now.getTime() + 23 * 60 * MIN),
      assignedBy: demo.users.owner,
    });
  });
}
