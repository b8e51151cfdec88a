/**
 * Demo data for notices, needs and volunteer tasks (issue 15): three notices at different read
 * levels, open and done needs, pending volunteer offers, and a week of shifts with some slots
 * unfilled. Fixed content; dates relative to the day the seed runs. One transaction.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Tx } from '@/db/client';
import {
  needs,
  notices,
  taskClaims,
  volunteerApplications,
  volunteerRoles,
  volunteerTasks,
} from '@/db/schema';
import { DEMO_ACCOUNTS } from './demo-accounts';
import type { DemoRefs } from './extras';
import { demoId } from './random';
import { inTransaction } from '@/server/services/shared/tx';

const DAY = 24 * 3_600_000;

async function seedNotice(
  tx: Tx,
  c: string,
  key: string,
  values: Omit<typeof notices.$inferInsert, 'communityId' | 'id'>,
  filter: ReturnType<typeof sql>,
  readPercent: number,
  confirmPercent: number,
) {
  const id = demoId(`notice:${key}`);
  await tx.insert(notices).values({ communityId: c, id, ...values });
  await tx.execute(sql`
    insert into notice_receipts (community_id, notice_id, household_id, stairwell_id, read_at, confirmed_at)
    select h.community_id, ${id}::uuid, h.id, h.stairwell_id,
           case when abs(hashtext(h.id::text || ${key})) % 100 < ${readPercent} then now() - interval '1 hour' end,
           case when abs(hashtext(h.id::text || ${key})) % 100 < ${confirmPercent} then now() - interval '50 minutes' end
    from households h join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
    where h.community_id = ${c}::uuid ${filter}`);
  await tx.execute(sql`update notices set household_count =
    (select count(*) from notice_receipts r where r.community_id = ${c}::uuid and r.notice_id = ${id}::uuid)
    where community_id = ${c}::uuid and id = ${id}::uuid`);
}

export async function seedCareDemo(database: Database, demo: DemoRefs): Promise<void> {
  const c = demo.communityId;
  const now = Date.now();
  await inTransaction(database.db, async (tx) => {
    const [b3] = await queryRows<{ id: string }>(
      tx,
      sql`select building_id as id from stairwells where community_id = ${c}::uuid and id = ${demo.stairwells.s3_2}::uuid`,
    );
    await seedNotice(
      tx,
      c,
      'compound-testing',
      {
        authorUserId: demo.users.admin,
        title: '明早全员核酸',
        body: '明天早上7点起在南门核酸点做核酸，请按楼栋顺序下楼，戴好口罩、保持两米距离。',
        target: 'compound',
        targetIds: [],
        createdAt: new Date(now - 3 * 3_600_000),
      },
      sql``,
      72,
      0,
    );
    await seedNotice(
      tx,
      c,
      'building-3-water',
      {
        authorUserId: demo.users.admin,
        title: '3号楼今天下午停水',
        body: '今天14:00–16:00检修水管，请提前储水。',
        target: 'buildings',
        targetIds: [b3!.id],
        needsConfirm: true,
        createdAt: new Date(now - 2 * 3_600_000),
      },
      sql`and s.building_id = ${b3!.id}::uuid`,
      40,
      25,
    );
    await seedNotice(
      tx,
      c,
      'stairwell-3-2-bags',
      {
        authorUserId: demo.users.volunteer,
        title: '今晚物资放在一楼',
        body: '今晚8点左右团购物资到楼道一楼，请按门牌号自取，不方便的告诉我。',
        target: 'stairwells',
        targetIds: [demo.stairwells.s3_2],
        needsConfirm: true,
        createdAt: new Date(now - 3_600_000),
      },
      sql`and h.stairwell_id = ${demo.stairwells.s3_2}::uuid`,
      0,
      0,
    );

    // Needs: an urgent medicine run for the 3-2-101 care household, one done (settled in cash).
    await tx.insert(needs).values([
      {
        communityId: c,
        id: demoId('need:3-2-101:medicine'),
        householdId: demo.households.careNoSmartphone,
        stairwellId: demo.stairwells.s3_2,
        kind: 'medicine',
        urgency: 'urgent',
        note: '硝苯地平缓释片 一盒（药盒在门口）',
        recordedBy: demo.users.volunteer,
        createdAt: new Date(now - 90 * 60_000),
      },
      {
        communityId: c,
        id: demoId('need:3-2-101:groceries-done'),
        householdId: demo.households.careNoSmartphone,
        stairwellId: demo.stairwells.s3_2,
        kind: 'groceries',
        note: '鸡蛋一盒、挂面两包',
        status: 'settled',
        recordedBy: demo.users.volunteer,
        claimedBy: demo.users.volunteer,
        deliveredAt: new Date(now - DAY),
        advancedFen: 2350,
        settlement: 'cash',
        settledAt: new Date(now - DAY),
        settledBy: demo.users.volunteer,
        createdAt: new Date(now - DAY - 3 * 3_600_000),
      },
    ]);

    // Pending offers to volunteer from three residents who are not volunteers yet (not 李秀兰, the
    // demo account that signs up in the browser journey).
    const offering = await queryRows<{ user_id: string }>(
      tx,
      sql`select m.user_id from memberships m join users u on u.id = m.user_id
          where m.community_id = ${c}::uuid and m.role = 'resident' and u.phone is not null
            and m.user_id not in (${demo.users.resident}::uuid, ${demo.users.volunteer}::uuid)
            and u.phone <> ${DEMO_ACCOUNTS.resident2.phone}
            and not exists (select 1 from memberships v where v.community_id = m.community_id
                            and v.user_id = m.user_id and v.role <> 'resident')
          order by m.id limit 3`,
    );
    const skills = ['会开车', '医护背景', '会用电脑登记'];
    await tx.insert(volunteerApplications).values(
      offering.map((o, i) => ({
        communityId: c,
        id: demoId(`volunteer-application:${i}`),
        userId: o.user_id,
        skills: skills[i]!,
        availability: i === 0 ? '每天上午' : '周末全天',
        createdAt: new Date(now - (i + 1) * 3_600_000),
      })),
    );

    // A week of shifts from today (Shanghai): gate mornings 2 slots, testing-site guides 4 slots.
    const volunteers = await queryRows<{ user_id: string }>(
      tx,
      sql`select user_id from memberships where community_id = ${c}::uuid and role = 'volunteer'
          and user_id <> ${demo.users.volunteer}::uuid order by id limit 6`,
    );
    const today = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    const at = (day: number, hour: number) =>
      new Date(new Date(`${today}T00:00:00+08:00`).getTime() + day * DAY + hour * 3_600_000);
    const tasks: (typeof volunteerTasks.$inferInsert)[] = [];
    const claims: (typeof taskClaims.$inferInsert)[] = [];
    for (let d = 0; d < 7; d++) {
      const shifts = [
        {
          key: 'south',
          role: 'gate' as const,
          title: '南门值守',
          place: '南门',
          from: 7,
          to: 11,
          slots: 2,
          filled: d % 3 === 0 ? 1 : 2,
        },
        {
          key: 'guide',
          role: 'testing' as const,
          title: '核酸点引导',
          place: '南门核酸点',
          from: 7,
          to: 10,
          slots: 4,
          filled: d % 2,
        },
        {
          key: 'disinfect',
          role: 'disinfection' as const,
          title: '物资消杀',
          place: '北门物资点',
          from: 18,
          to: 21,
          slots: 2,
          filled: 2,
        },
      ];
      for (const s of shifts) {
        const id = demoId(`task:${d}:${s.key}`);
        tasks.push({
          communityId: c,
          id,
          role: s.role,
          title: s.title,
          place: s.place,
          startsAt: at(d, s.from),
          endsAt: at(d, s.to),
          slots: s.slots,
          filled: s.filled,
          createdBy: demo.users.admin,
        });
        for (let k = 0; k < s.filled; k++)
          claims.push({
            communityId: c,
            id: demoId(`task-claim:${d}:${s.key}:${k}`),
            taskId: id,
            userId: volunteers[k]!.user_id,
          });
      }
    }
    // The volunteers who hold the seeded slots were accepted into those roles (a gate slot needs the gate role).
    await tx
      .insert(volunteerRoles)
      .values(
        volunteers.flatMap((v) =>
          (['gate', 'testing', 'disinfection'] as const).map((role) => ({
            communityId: c,
            userId: v.user_id,
            role,
          })),
        ),
      )
      .onConflictDoNothing();
    await tx.insert(volunteerTasks).values(tasks);
    await tx.insert(taskClaims).values(claims);
  });
}
