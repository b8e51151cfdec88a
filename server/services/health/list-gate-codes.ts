import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { gateCode, gateQrText } from './gate-code';
import { id, parseInput, rolesIn } from './internal';

export const ListGateCodesInput = z.object({ communityId: id, buildingId: id });
export type ListGateCodesInput = z.infer<typeof ListGateCodesInput>;

/** Printable gate cards for one building (for people without a phone): room and code, coordinators only. */
export async function listGateCodes({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ListGateCodesInput, raw);
  await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const rows = await queryRows<{ id: string; building: string; stairwell: string; room: string }>(
    ctx.db,
    sql`select h.id, b.number as building, s.number as stairwell, h.room from households h
          join stairwells s on s.community_id = h.community_id and s.id = h.stairwell_id
          join buildings b on b.community_id = s.community_id and b.id = s.building_id
         where h.community_id = ${input.communityId} and b.id = ${input.buildingId}
         order by s.route_order, h.floor, h.room`,
  );
  return rows.map((h) => {
    const code = gateCode(input.communityId, h.id);
    return {
      householdId: h.id,
      label: `${h.building}-${h.stairwell}-${h.room}`,
      code,
      qrText: gateQrText(code),
    };
  });
}
