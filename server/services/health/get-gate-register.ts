import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import { gateDuties } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, parseInput, requireGateKeeper } from './internal';
import { GATE_RETENTION_DAYS } from './rules';

export const GetGateRegisterInput = z.object({ communityId: id });
export type GetGateRegisterInput = z.infer<typeof GetGateRegisterInput>;

/** The gate page: who is out now and for how long (longest first), and the last 12 hours' entries. */
export async function getGateRegister({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(GetGateRegisterInput, raw);
  const { communityId } = input;
  const me = await requireGateKeeper(ctx, communityId);
  const now = ctx.now();
  const since = new Date(now.getTime() - 12 * 3600_000);
  const rows = await queryRows<{
    id: string;
    household_id: string;
    building: string;
    stairwell: string;
    room: string;
    out_at: string | Date;
    in_at: string | Date | null;
    mask_ok: boolean;
    temperature: string | number | null;
    out_note: string;
    in_note: string;
  }>(
    ctx.db,
    sql`select g.id, g.household_id, b.number as building, s.number as stairwell, h.room, g.out_at, g.in_at,
               g.mask_ok, g.temperature, g.out_note, g.in_note
          from gate_entries g
          join households h on h.community_id = g.community_id and h.id = g.household_id
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
         where g.community_id = ${communityId}
           and (g.in_at is null or g.in_at >= ${since.toISOString()}::timestamptz or g.out_at >= ${since.toISOString()}::timestamptz)
         order by g.out_at asc`,
  );
  const entries = rows.map((r) => ({
    entryId: r.id,
    householdId: r.household_id,
    label: `${r.building}-${r.stairwell}-${r.room}`,
    outAt: iso(r.out_at)!,
    inAt: iso(r.in_at),
    minutesOut: Math.max(
      0,
      Math.round(((r.in_at ? new Date(r.in_at) : now).getTime() - new Date(r.out_at).getTime()) / 60_000),
    ),
    maskOk: r.mask_ok,
    temperature: r.temperature === null ? null : Number(r.temperature),
    note: [r.out_note, r.in_note].filter(Boolean).join(' / '),
  }));
  const [duty] = me.coordinator
    ? []
    : await ctx.db
        .select({ endsAt: gateDuties.endsAt })
        .from(gateDuties)
        .where(
          and(
            eq(gateDuties.communityId, communityId),
            eq(gateDuties.userId, me.ctx.user.id),
            gt(gateDuties.endsAt, now),
          ),
        )
        .orderBy(desc(gateDuties.endsAt))
        .limit(1);
  return {
    outNow: entries.filter((e) => !e.inAt),
    recent: entries.filter((e) => e.inAt).reverse(),
    retentionDays: GATE_RETENTION_DAYS,
    dutyEndsAt: iso(duty?.endsAt),
  };
}
