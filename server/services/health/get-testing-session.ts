import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, loadRound, parseInput, rolesIn } from './internal';
import { minutesPerBuilding, queueStanding } from './rules';

export const GetTestingSessionInput = z.object({ communityId: id, roundId: id });
export type GetTestingSessionInput = z.infer<typeof GetTestingSessionInput>;

/**
 * The "now calling" page for everyone in the compound: which buildings are called, which are done,
 * and — for a resident — where their building stands and the expected wait. Volunteers and
 * coordinators also get the per-building counts (called at, done at, stairwells, walk-ins) and the
 * stairwells to mark.
 */
export async function getTestingSession({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(GetTestingSessionInput, raw);
  const { communityId, roundId } = input;
  const me = await rolesIn(ctx, communityId, ['resident', 'volunteer', 'admin', 'owner']);
  const staff = me.roles.some((r) => r !== 'resident');
  const round = await loadRound(ctx.db, communityId, roundId, 'testing');
  const rows = await queryRows<{
    building_id: string;
    number: string;
    position: number;
    status: 'queued' | 'called' | 'done' | 'skipped';
    called_at: string | Date | null;
    done_at: string | Date | null;
    calls: number;
    stairwells: number;
    stairwells_done: number;
    walk_ins: number;
  }>(
    ctx.db,
    sql`select tb.building_id, b.number, tb.position, tb.status, tb.called_at, tb.done_at, tb.calls,
               (select count(*) from stairwells s where s.community_id = tb.community_id and s.building_id = tb.building_id)::int as stairwells,
               (select count(*) from testing_stairwells ts join stairwells s on s.community_id = ts.community_id and s.id = ts.stairwell_id
                 where ts.community_id = tb.community_id and ts.round_id = tb.round_id and s.building_id = tb.building_id)::int as stairwells_done,
               (select coalesce(sum(ts.walk_ins), 0) from testing_stairwells ts join stairwells s on s.community_id = ts.community_id and s.id = ts.stairwell_id
                 where ts.community_id = tb.community_id and ts.round_id = tb.round_id and s.building_id = tb.building_id)::int as walk_ins
          from testing_buildings tb
          join buildings b on b.community_id = tb.community_id and b.id = tb.building_id
         where tb.community_id = ${communityId} and tb.round_id = ${roundId}
         order by tb.position`,
  );
  const perBuilding = minutesPerBuilding(
    rows
      .filter((r) => r.status === 'done' && r.called_at && r.done_at)
      .map((r) => ({ calledAt: new Date(r.called_at!), doneAt: new Date(r.done_at!) })),
  );
  const queue = rows.map((r) => ({ buildingId: r.building_id, position: r.position, status: r.status }));
  let mine: null | { building: string; standing: ReturnType<typeof queueStanding> } = null;
  if (me.householdIds.length) {
    const [home] = await queryRows<{ building_id: string; number: string }>(
      ctx.db,
      sql`select s.building_id, b.number from households h
            join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
            join buildings b on b.community_id = s.community_id and b.id = s.building_id
           where h.community_id = ${communityId} and h.id = ${me.householdIds[0]!}`,
    );
    if (home) mine = { building: home.number, standing: queueStanding(queue, home.building_id, perBuilding) };
  }
  const stairwellRows = staff
    ? await queryRows<{
        stairwell_id: string;
        building_id: string;
        number: string;
        done: boolean;
        walk_ins: number | null;
      }>(
        ctx.db,
        sql`select s.id as stairwell_id, s.building_id, s.number, (ts.id is not null) as done, ts.walk_ins
              from stairwells s
              left join testing_stairwells ts on ts.community_id = s.community_id and ts.stairwell_id = s.id and ts.round_id = ${roundId}
             where s.community_id = ${communityId}
             order by s.route_order`,
      )
    : [];
  return {
    round: { id: round.id, title: round.title, status: round.status, openedAt: iso(round.openedAt)! },
    minutesPerBuilding: perBuilding,
    buildings: rows.map((r) => ({
      buildingId: r.building_id,
      number: r.number,
      position: r.position,
      status: r.status,
      calledAt: iso(r.called_at),
      doneAt: iso(r.done_at),
      ...(staff
        ? {
            calls: r.calls,
            stairwells: Number(r.stairwells),
            stairwellsDone: Number(r.stairwells_done),
            walkIns: Number(r.walk_ins),
            stairwellList: stairwellRows
              .filter((s) => s.building_id === r.building_id)
              .map((s) => ({
                stairwellId: s.stairwell_id,
                number: s.number,
                done: !!s.done,
                walkIns: s.walk_ins,
              })),
          }
        : {}),
    })),
    progress: {
      buildings: rows.length,
      done: rows.filter((r) => r.status === 'done').length,
      called: rows.filter((r) => r.status === 'called').length,
      skipped: rows.filter((r) => r.status === 'skipped').length,
      walkIns: staff ? rows.reduce((s, r) => s + Number(r.walk_ins), 0) : null,
    },
    mine,
  };
}
