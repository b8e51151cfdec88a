import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '@/db/client';
import type { ServiceContext } from '@/server/services/shared/context';
import { id, iso, parseInput, rolesIn } from './internal';

export const ListGateDutiesInput = z.object({ communityId: id });
export type ListGateDutiesInput = z.infer<typeof ListGateDutiesInput>;

/** Current and coming gate shifts, and the compound's volunteers to pick from (coordinators only). */
export async function listGateDuties({ ctx, input: raw }: { ctx: ServiceContext; input: unknown }) {
  const input = parseInput(ListGateDutiesInput, raw);
  await rolesIn(ctx, input.communityId, ['admin', 'owner']);
  const now = ctx.now().toISOString();
  const duties = await queryRows<{
    id: string;
    user_id: string;
    name: string;
    starts_at: string | Date;
    ends_at: string | Date;
  }>(
    ctx.db,
    sql`select d.id, d.user_id, u.name, d.starts_at, d.ends_at from gate_duties d join users u on u.id = d.user_id
         where d.community_id = ${input.communityId} and d.ends_at > ${now}::timestamptz
         order by d.starts_at, u.name`,
  );
  const volunteers = await queryRows<{ id: string; name: string }>(
    ctx.db,
    sql`select u.id, u.name from memberships m join users u on u.id = m.user_id
         where m.community_id = ${input.communityId} and m.role = 'volunteer'
         order by u.name limit 500`,
  );
  return {
    duties: duties.map((d) => ({
      dutyId: d.id,
      userId: d.user_id,
      name: d.name,
      startsAt: iso(d.starts_at)!,
      endsAt: iso(d.ends_at)!,
      onDuty: new Date(d.starts_at).getTime() <= ctx.now().getTime(),
    })),
    volunteers,
  };
}
