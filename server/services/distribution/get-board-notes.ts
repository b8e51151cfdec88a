import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { requireRole } from '@/server/services/shared/access';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId } from '@/server/services/shared/zod';

export const GetBoardNotesInput = z.object({ communityId: CommunityId });
export type GetBoardNotesInput = z.infer<typeof GetBoardNotesInput>;

/** Open reports shown on the board at most (the oldest first: they have waited longest). */
const OPEN_PROBLEMS_SHOWN = 50;

type Time = string | Date;
type RelayRow = { batch_id: string; relay_id: string; title: string; closes_at: Time; delivery_date: string };
type ProblemRow = {
  report_id: string;
  kind: string;
  building: string;
  stairwell: string;
  room: string;
  item_name: string | null;
  qty: number | null;
  description: string;
  relay_title: string;
  merchant_name: string;
  created_at: Time;
};

/**
 * What the coordinators' board shows beside its counts (issue 13 item 7): each open or today's
 * batch labelled with the relays its truck carried (title, cutoff, delivery day), and the
 * residents' problem reports still open in the compound, oldest first. Coordinators see rooms
 * whole, as in the roster.
 */
export async function getBoardNotes({ ctx, input }: { ctx: ServiceContext; input: GetBoardNotesInput }) {
  await requireRole(ctx, input.communityId, ['admin', 'owner']);
  const { communityId } = input;
  const relays = await queryRows<RelayRow>(
    ctx.db,
    sql`select t.id as batch_id, r.id as relay_id, r.title, r.closes_at, r.delivery_date::text as delivery_date
          from batches t
          join delivery_relays dr on dr.community_id = t.community_id and dr.delivery_id = t.delivery_id
          join relays r on r.community_id = dr.community_id and r.id = dr.relay_id
         where t.community_id = ${communityId}
           and (t.status <> 'completed' or t.received_at >= ${ctx.now().toISOString()}::timestamptz - interval '1 day')
         order by r.closes_at, r.title`,
  );
  const problems = await queryRows<ProblemRow>(
    ctx.db,
    sql`select p.id as report_id, p.kind, bl.number as building, s.number as stairwell, h.room,
               ri.name as item_name, p.qty, p.description, r.title as relay_title,
               m.display_name as merchant_name, p.created_at
          from problem_reports p
          join households h on h.community_id = p.community_id and h.id = p.household_id
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings bl on bl.community_id = s.community_id and bl.id = s.building_id
          join bags b on b.community_id = p.community_id and b.id = p.bag_id
          join relays r on r.community_id = b.community_id and r.id = b.relay_id
          join merchants m on m.id = r.merchant_id
          left join relay_items ri on ri.community_id = p.community_id and ri.id = p.relay_item_id
         where p.community_id = ${communityId} and p.status = 'open'
         order by p.created_at, p.id
         limit ${OPEN_PROBLEMS_SHOWN}`,
  );
  const batchRelays: Record<
    string,
    { relayId: string; title: string; closesAt: Date; deliveryDate: string }[]
  > = {};
  for (const r of relays) {
    (batchRelays[r.batch_id] ??= []).push({
      relayId: r.relay_id,
      title: r.title,
      closesAt: new Date(r.closes_at),
      deliveryDate: r.delivery_date,
    });
  }
  return {
    batchRelays,
    openProblems: problems.map((p) => ({
      reportId: p.report_id,
      kind: p.kind as 'missing_item' | 'damaged_item' | 'other',
      building: p.building,
      stairwell: p.stairwell,
      room: p.room,
      itemName: p.item_name,
      qty: p.qty == null ? null : Number(p.qty),
      description: p.description,
      relayTitle: p.relay_title,
      merchantName: p.merchant_name,
      createdAt: new Date(p.created_at),
    })),
  };
}
