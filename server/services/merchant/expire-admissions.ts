import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { admissions, merchants } from '@/db/schema';
import { transitionAdmission } from './transition';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

type ExpireAdmissionsInput = { now: Date; batchSize?: number };

/**
 * The timed job's one round: approved admissions whose merchant's food permit or vehicle pass is
 * past its date become `expired`, with an audit row and a notice to the merchant. Rows are claimed
 * with FOR UPDATE SKIP LOCKED, so several app instances share the work without waiting on each
 * other, and the transition's guard (status = 'approved') makes a second pass a no-op.
 * Returns how many admissions it expired.
 */
export async function expireAdmissions({
  db,
  input,
}: {
  db: Db;
  input: ExpireAdmissionsInput;
}): Promise<number> {
  const today = localDate(input.now);
  // Small batches: each transaction holds its rows' locks (which relay joins wait on) only briefly.
  const batchSize = input.batchSize ?? 50;
  let total = 0;
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      const due = await tx
        .select({
          communityId: admissions.communityId,
          id: admissions.id,
          permit: merchants.foodPermitExpiresOn,
          pass: merchants.vehiclePassExpiresOn,
        })
        .from(admissions)
        .innerJoin(merchants, eq(merchants.id, admissions.merchantId))
        .where(
          and(
            eq(admissions.status, 'approved'),
            or(lt(merchants.foodPermitExpiresOn, today), lt(merchants.vehiclePassExpiresOn, today)),
          ),
        )
        .limit(batchSize)
        .for('update', { of: admissions, skipLocked: true });
      for (const a of due) {
        const lapsed = [
          ...(a.permit !== null && a.permit < today ? ['food_permit'] : []),
          ...(a.pass !== null && a.pass < today ? ['vehicle_pass'] : []),
        ];
        await transitionAdmission(tx, {
          communityId: a.communityId,
          admissionId: a.id,
          action: 'expire',
          actorUserId: null,
          now: input.now,
          set: { expiredAt: input.now, reason: null },
          notify: 'merchant',
          payload: { lapsed, permitExpiresOn: a.permit, passExpiresOn: a.pass },
        });
      }
      return due.length;
    });
    total += n;
    if (n < batchSize) return total;
  }
}
