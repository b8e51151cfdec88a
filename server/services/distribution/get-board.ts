import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type DbOrTx } from '@/db/client';
import { CommunityId } from '@/server/services/shared/zod';
import { requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { communitySettings } from './internal';
import { releasableAt, share } from './rules';

export const GetBoardInput = z.object({ communityId: CommunityId });
export type GetBoardInput = z.infer<typeof GetBoardInput>;

/** How far back "on time" is measured per merchant. */
const ON_TIME_WINDOW_DAYS = 30;

/**
 * The coordinators' board (like the compound's old tally form): per stairwell — households, bags,
 * delivered, exceptions, last activity — for today's batches and any batch still open; per batch
 * the time of each step; per merchant the share of trucks that reached the gate by their ETA.
 * Counted by the database in three queries, whatever the size of the compound.
 */
export async function getBoard({ ctx, input }: { ctx: ServiceContext; input: GetBoardInput }) {
  await requireRole(ctx, input.communityId, ['admin', 'owner']);
  const { communityId } = input;
  const now = ctx.now();
  const since = await startOfToday(ctx.db, communityId, now);
  const stairwells = await stairwellTally(ctx.db, communityId, since);
  const batches = await batchTally(ctx.db, communityId, since);
  const merchants = await merchantOnTime(ctx.db, communityId, now);
  return {
    serverNow: now,
    since,
    totals: totalsOf(stairwells),
    stairwells,
    batches,
    merchants,
    onTimeWindowDays: ON_TIME_WINDOW_DAYS,
  };
}

const toDate = (v: string | Date | null) => (v == null ? null : new Date(v));

/** Midnight today in the compound's own time zone. */
async function startOfToday(db: DbOrTx, communityId: string, now: Date): Promise<Date> {
  const { timezone } = await communitySettings(db, communityId);
  const nowIso = now.toISOString();
  const [{ start } = { start: now }] = await queryRows<{ start: Date | string }>(
    db,
    sql`select (date_trunc('day', ${nowIso}::timestamptz at time zone ${timezone}) at time zone ${timezone}) as start`,
  );
  return new Date(start);
}

/** Per stairwell: households, and the bags of today's batches and of any batch still open. */
async function stairwellTally(db: DbOrTx, communityId: string, since: Date) {
  const sinceIso = since.toISOString();
  const scope = sql`select b.* from bags b
      join batches t on t.community_id = b.community_id and t.id = b.batch_id
     where b.community_id = ${communityId}
       and (t.status <> 'completed' or t.received_at >= ${sinceIso}::timestamptz)`;

  const stairwellRows = await queryRows<{
    stairwell_id: string;
    building: string;
    stairwell: string;
    households: number;
    bags: number;
    delivered: number;
    exceptions: number;
    pending: number;
    refunded: number;
    last_activity: string | Date | null;
  }>(
    db,
    sql`with scope_bags as (${scope}),
        hh as (select stairwell_id, count(*)::int as n from households where community_id = ${communityId} group by stairwell_id)
      select s.id as stairwell_id, bl.number as building, s.number as stairwell,
             coalesce(hh.n, 0)::int as households,
             count(sb.id)::int as bags,
             (count(*) filter (where sb.status = 'delivered'))::int as delivered,
             (count(*) filter (where sb.status = 'exception'))::int as exceptions,
             (count(*) filter (where sb.status = 'pending'))::int as pending,
             (count(*) filter (where sb.status = 'refunded'))::int as refunded,
             max(greatest(sb.delivered_at, sb.exception_at, sb.confirmed_at)) as last_activity
        from stairwells s
        join buildings bl on bl.community_id = s.community_id and bl.id = s.building_id
        left join hh on hh.stairwell_id = s.id
        left join scope_bags sb on sb.stairwell_id = s.id
       where s.community_id = ${communityId}
       group by s.id, bl.number, s.number, s.route_order, hh.n
       order by s.route_order`,
  );
  return stairwellRows.map((r) => ({
    stairwellId: r.stairwell_id,
    building: r.building,
    stairwell: r.stairwell,
    households: Number(r.households),
    bags: Number(r.bags),
    delivered: Number(r.delivered),
    exceptions: Number(r.exceptions),
    pending: Number(r.pending),
    refunded: Number(r.refunded),
    lastActivity: toDate(r.last_activity),
  }));
}

function totalsOf(stairwellList: Awaited<ReturnType<typeof stairwellTally>>) {
  return stairwellList.reduce(
    (acc, s) => ({
      households: acc.households + s.households,
      bags: acc.bags + s.bags,
      delivered: acc.delivered + s.delivered,
      exceptions: acc.exceptions + s.exceptions,
      pending: acc.pending + s.pending,
    }),
    { households: 0, bags: 0, delivered: 0, exceptions: 0, pending: 0 },
  );
}

/** Per batch of today (or still open): the time of each step and its bag counts. */
async function batchTally(db: DbOrTx, communityId: string, since: Date) {
  const sinceIso = since.toISOString();
  const batchRows = await queryRows<{
    batch_id: string;
    merchant_name: string;
    status: string;
    eta: string | Date;
    arrived_at: string | Date | null;
    received_at: string | Date;
    disinfection_started_at: string | Date | null;
    dwell_seconds: number | null;
    agent: string | null;
    released_at: string | Date | null;
    completed_at: string | Date | null;
    first_delivered_at: string | Date | null;
    last_delivered_at: string | Date | null;
    bags: number;
    delivered: number;
    exceptions: number;
  }>(
    db,
    sql`select t.id as batch_id, m.display_name as merchant_name, t.status, d.eta, d.arrived_at, t.received_at,
               t.disinfection_started_at, t.dwell_seconds, t.disinfection_agent as agent, t.released_at, t.completed_at,
               min(b.delivered_at) as first_delivered_at, max(b.delivered_at) as last_delivered_at,
               count(b.id)::int as bags,
               (count(*) filter (where b.status = 'delivered'))::int as delivered,
               (count(*) filter (where b.status = 'exception'))::int as exceptions
          from batches t
          join deliveries d on d.community_id = t.community_id and d.id = t.delivery_id
          join merchants m on m.id = d.merchant_id
          left join bags b on b.community_id = t.community_id and b.batch_id = t.id
         where t.community_id = ${communityId}
           and (t.status <> 'completed' or t.received_at >= ${sinceIso}::timestamptz)
         group by t.community_id, t.id, m.id, d.community_id, d.id
         order by t.received_at desc`,
  );
  return batchRows.map((b) => {
    const startedAt = toDate(b.disinfection_started_at);
    return {
      batchId: b.batch_id,
      merchantName: b.merchant_name,
      status: b.status,
      eta: toDate(b.eta)!,
      receivedAt: toDate(b.received_at)!,
      disinfectionStartedAt: startedAt,
      agent: b.agent,
      releasableAt:
        startedAt && b.dwell_seconds != null ? releasableAt(startedAt, Number(b.dwell_seconds)) : null,
      releasedAt: toDate(b.released_at),
      firstDeliveredAt: toDate(b.first_delivered_at),
      lastDeliveredAt: toDate(b.last_delivered_at),
      completedAt: toDate(b.completed_at),
      bags: Number(b.bags),
      delivered: Number(b.delivered),
      exceptions: Number(b.exceptions),
    };
  });
}

/** Per merchant: the share of trucks that reached the gate by their ETA in the window. */
async function merchantOnTime(db: DbOrTx, communityId: string, now: Date) {
  const nowIso = now.toISOString();
  const merchantRows = await queryRows<{
    merchant_id: string;
    merchant_name: string;
    arrived: number;
    on_time: number;
    avg_late_minutes: number | null;
  }>(
    db,
    sql`select m.id as merchant_id, m.display_name as merchant_name,
               count(*)::int as arrived,
               (count(*) filter (where d.arrived_at <= d.eta))::int as on_time,
               round(avg(extract(epoch from (d.arrived_at - d.eta)) / 60) filter (where d.arrived_at > d.eta))::int as avg_late_minutes
          from deliveries d
          join merchants m on m.id = d.merchant_id
         where d.community_id = ${communityId}
           and d.status = 'arrived'
           and d.arrived_at >= ${nowIso}::timestamptz - make_interval(days => ${ON_TIME_WINDOW_DAYS}::int)
         group by m.id, m.display_name
         order by m.display_name`,
  );
  return merchantRows.map((m) => ({
    merchantId: m.merchant_id,
    merchantName: m.merchant_name,
    arrived: Number(m.arrived),
    onTime: Number(m.on_time),
    onTimeShare: share(Number(m.on_time), Number(m.arrived)),
    avgLateMinutes: m.avg_late_minutes == null ? null : Number(m.avg_late_minutes),
  }));
}
