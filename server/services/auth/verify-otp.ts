import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { otpChallenges, users } from '@/db/schema';
import type { ServiceContext, SessionUser } from '@/server/services/shared/context';
import { writeGlobalAudit } from '@/server/services/shared/audit';
import { badRequest, preconditionFailed, tooManyRequests } from '@/server/services/shared/errors';
import { loadAuthConfig, type AuthConfig } from './config';
import { phoneOrThrow } from './request-otp';
import {
  challengeState,
  hashOtpCode,
  normalizeOtpCode,
  OTP_LENGTH,
  OTP_MAX_ATTEMPTS,
  placeholderName,
  remainingAttempts,
  type ChallengeState,
} from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export type VerifyOtpResult = { user: SessionUser; created: boolean };

function refusal(state: Exclude<ChallengeState, 'live'> | 'none') {
  switch (state) {
    case 'none':
      return preconditionFailed('OTP_NOT_REQUESTED', '请先获取验证码 / Please ask for a code first.', {
        field: 'code',
      });
    case 'used':
      return preconditionFailed(
        'OTP_USED',
        '这个验证码已经用过了，请重新获取 / This code was already used; please ask for a new one.',
        {
          field: 'code',
        },
      );
    case 'expired':
      return preconditionFailed(
        'OTP_EXPIRED',
        '验证码已过期（5 分钟内有效），请重新获取 / The code has expired (valid for 5 minutes); please ask for a new one.',
        {
          field: 'code',
        },
      );
    case 'locked':
      return tooManyRequests(
        'OTP_LOCKED',
        `验证码错误已达 ${OTP_MAX_ATTEMPTS} 次，请重新获取 / ${OTP_MAX_ATTEMPTS} wrong tries; please ask for a new code.`,
        {
          field: 'code',
          details: { maxAttempts: OTP_MAX_ATTEMPTS },
        },
      );
  }
}

/**
 * Checks a one-time code and returns the person it signs in, creating their `users` row on first
 * sign-in. Only the phone's newest code counts.
 *
 * Race: one guarded UPDATE both spends an attempt and, when the hash matches, consumes the code
 * (`WHERE consumed_at IS NULL AND attempts < 5 AND expires_at > now`). Row locking makes concurrent
 * guesses queue on it, so twenty parallel wrong guesses spend exactly five attempts, and a right
 * code sent twice at once signs in once.
 */
export async function verifyOtp({
  ctx,
  input,
  deps = {},
}: {
  ctx: ServiceContext;
  input: { phone: string; code: string };
  deps?: { config?: AuthConfig };
}): Promise<VerifyOtpResult> {
  const phone = phoneOrThrow(input.phone);
  const code = normalizeOtpCode(input.code);
  if (!code) {
    throw badRequest(
      'OTP_CODE_FORMAT',
      `请输入短信里的 ${OTP_LENGTH} 位数字验证码 / Please enter the ${OTP_LENGTH}-digit code from the message.`,
      {
        field: 'code',
      },
    );
  }
  const config = deps.config ?? loadAuthConfig();
  const now = ctx.now();

  const [latest] = await ctx.db
    .select()
    .from(otpChallenges)
    .where(eq(otpChallenges.phone, phone))
    .orderBy(desc(otpChallenges.createdAt), desc(otpChallenges.expiresAt))
    .limit(1);
  if (!latest) throw refusal('none');
  const before = challengeState(latest, now);
  if (before !== 'live') throw refusal(before);

  const hash = hashOtpCode(config.secret, latest.id, code);
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const [spent] = await tx
      .update(otpChallenges)
      .set({
        attempts: sql`${otpChallenges.attempts} + 1`,
        consumedAt: sql`case when ${otpChallenges.codeHash} = ${hash} then ${now.toISOString()}::timestamptz else null end`,
      })
      .where(
        and(
          eq(otpChallenges.id, latest.id),
          isNull(otpChallenges.consumedAt),
          lt(otpChallenges.attempts, OTP_MAX_ATTEMPTS),
          gt(otpChallenges.expiresAt, now),
        ),
      )
      .returning({ attempts: otpChallenges.attempts, consumedAt: otpChallenges.consumedAt });
    if (!spent) return { kind: 'gone' as const };
    if (!spent.consumedAt) return { kind: 'wrong' as const, attempts: spent.attempts };
    return { kind: 'ok' as const, ...(await findOrCreateUser(tx, phone)) };
  });

  if (outcome.kind === 'ok') return { user: outcome.user, created: outcome.created };
  if (outcome.kind === 'gone') {
    // Someone else's guess used it up, locked it or it expired between our read and our write.
    const [now2] = await ctx.db.select().from(otpChallenges).where(eq(otpChallenges.id, latest.id));
    const state = now2 ? challengeState(now2, now) : 'expired';
    throw refusal(state === 'live' ? 'expired' : state);
  }
  const remaining = remainingAttempts(outcome.attempts);
  if (remaining === 0) throw refusal('locked');
  throw badRequest(
    'OTP_WRONG',
    `验证码不正确，还可以再试 ${remaining} 次 / Wrong code; ${remaining} tries left.`,
    {
      field: 'code',
      details: { remainingAttempts: remaining },
    },
  );
}

async function findOrCreateUser(tx: Tx, phone: string): Promise<{ user: SessionUser; created: boolean }> {
  const columns = { id: users.id, phone: users.phone, name: users.name };
  const [existing] = await tx.select(columns).from(users).where(eq(users.phone, phone));
  if (existing) return { user: existing, created: false };
  // The roster import may insert the same phone at the same moment: let the unique index decide.
  const [inserted] = await tx
    .insert(users)
    .values({ phone, name: placeholderName(phone) })
    .onConflictDoNothing({ target: users.phone })
    .returning(columns);
  if (!inserted) {
    const [raced] = await tx.select(columns).from(users).where(eq(users.phone, phone));
    return { user: raced!, created: false };
  }
  await writeGlobalAudit(tx, {
    actorUserId: inserted.id,
    action: 'user.created',
    entityType: 'user',
    entityId: inserted.id,
    after: { via: 'phone-otp' },
  });
  return { user: inserted, created: true };
}
