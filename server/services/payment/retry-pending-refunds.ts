import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '@/db/client';
import { refunds } from '@/db/schema';
import { executeRefunds, type RefundRow } from './refunds';
import { inTransaction } from '@/server/services/shared/tx';

/** A pending refund younger than this is probably still being sent by the call that made it. */
const GRACE_MS = 30_000;
const MAX_ATTEMPTS = 50;

/**
 * Finishes refunds left pending (Stripe unreachable, a process that died between reserving and
 * sending). Claimed with SKIP LOCKED and pushed back by touching `updated_at`, so two instances do
 * not send the same one in the same round; if they ever did, Stripe's idempotency key (= ours)
 * makes it one refund.
 */
export async function retryPendingRefunds(database: Database, now: Date, limit = 50): Promise<number> {
  const cutoff = new Date(now.getTime() - GRACE_MS).toISOString();
  const claimed = await inTransaction(database.db, async (tx) => {
    const rows = await queryRows<{ community_id: string; id: string }>(
      tx,
      sql`select community_id, id from refunds
           where status = 'pending' and updated_at <= ${cutoff}::timestamptz and attempts < ${MAX_ATTEMPTS}
           order by updated_at limit ${limit}
           for update skip locked`,
    );
    if (rows.length === 0) return [] as RefundRow[];
    return tx
      .update(refunds)
      .set({ updatedAt: now })
      .where(
        sql`(${refunds.communityId}, ${refunds.id}) in (${sql.join(
          rows.map((r) => sql`(${r.community_id}::uuid, ${r.id}::uuid)`),
          sql`, `,
        )})`,
      )
      .returning();
  });
  if (claimed.length === 0) return 0;
  const done = await executeRefunds(database, claimed);
  return done.filter((r) => r.status !== 'pending').length;
}
