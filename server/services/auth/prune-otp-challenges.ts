import { inArray, lt } from 'drizzle-orm';
import { otpChallenges } from '@/db/schema';
import type { ServiceContext } from '@/server/services/shared/context';

/** Challenges are kept a day (the throttle needs an hour; the rest helps look into abuse). */
export const OTP_RETENTION_MS = 24 * 60 * 60_000;
const BATCH = 5_000;

/**
 * Deletes one-time-code challenges older than the retention window, in batches so a backlog never
 * becomes one long delete. Idempotent: two instances running it at once just delete less each.
 * Returns how many rows went.
 */
export async function pruneOtpChallenges({
  ctx,
}: {
  ctx: Pick<ServiceContext, 'db' | 'now'>;
  input?: Record<string, never>;
}): Promise<number> {
  const cutoff = new Date(ctx.now().getTime() - OTP_RETENTION_MS);
  let total = 0;
  for (;;) {
    const old = ctx.db
      .select({ id: otpChallenges.id })
      .from(otpChallenges)
      .where(lt(otpChallenges.createdAt, cutoff))
      .limit(BATCH);
    const gone = await ctx.db
      .delete(otpChallenges)
      .where(inArray(otpChallenges.id, old))
      .returning({ id: otpChallenges.id });
    total += gone.length;
    if (gone.length < BATCH) return total;
  }
}
