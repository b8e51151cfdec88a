import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { writeAudit } from '@/server/services/shared/audit';
import { gateRetentionCutoff, GATE_RETENTION_DAYS } from './rules';
import { inTransaction } from '@/server/services/shared/tx';

/**
 * Deletes gate entries whose last time (back in, or out for one never closed) is more than 14 days
 * ago, in every compound; one audit row per compound with how many went (no household ids).
 * Idempotent: a second run finds nothing. Run by the `gate-purge` job.
 */
export async function purgeGateEntries({ ctx }: { ctx: { db: Db; now: () => Date } }): Promise<number> {
  const cutoff = gateRetentionCutoff(ctx.now()).toISOString();
  return inTransaction(ctx.db, async (tx) => {
    const rows = await queryRows<{ community_id: string; n: number }>(
      tx,
      sql`with gone as (
            delete from gate_entries where coalesce(in_at, out_at) < ${cutoff}::timestamptz
            returning community_id)
          select community_id, count(*)::int as n from gone group by community_id`,
    );
    for (const r of rows) {
      await writeAudit(tx, {
        communityId: r.community_id,
        actorUserId: null,
        action: 'gate.purge',
        entityType: 'gate_entry',
        entityId: 'retention',
        after: { deleted: Number(r.n), olderThanDays: GATE_RETENTION_DAYS, cutoff },
      });
    }
    return rows.reduce((s, r) => s + Number(r.n), 0);
  });
}
