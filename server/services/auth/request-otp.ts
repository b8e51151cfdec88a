import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { otpChallenges } from '@/db/schema';
import { getOtpSender, type OtpSender } from '@/server/auth/otp-sender';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest, tooManyRequests } from '@/server/services/shared/errors';
import { windowStart } from '@/server/services/shared/rolling-window';
import { safeText } from '@/server/services/shared/zod';
import { loadAuthConfig, type AuthConfig } from './config';
import {
  generateOtpCode,
  hashOtpCode,
  normalizePhone,
  OTP_HOURLY,
  OTP_RESEND_INTERVAL_MS,
  OTP_TTL_MS,
  resendDecision,
} from './rules';
import { inTransaction } from '@/server/services/shared/tx';

export const RequestOtpInput = z.object({
  phone: safeText({
    typeMessage: '请输入手机号 / Please enter your phone number.',
    min: 1,
    minMessage: '请输入手机号 / Please enter your phone number.',
    max: 40,
    maxMessage: '手机号码太长了 / That phone number is too long.',
  }),
});
export type RequestOtpInput = z.infer<typeof RequestOtpInput>;

export type RequestOtpResult = {
  /** The number the code went to, in E.164. */
  phone: string;
  expiresAt: Date;
  /** When the page may offer "send again". */
  resendAfterSeconds: number;
};

/** Sender and configuration default to the environment's; tests pass their own. */
export type OtpDeps = { sender?: OtpSender; config?: AuthConfig };

/** Namespaces this lock from the migration lock and any other advisory lock. */
const OTP_LOCK_CLASS = 727_100;

export function phoneOrThrow(raw: string): string {
  const check = normalizePhone(raw);
  if (check.ok) return check.phone;
  if (check.reason === 'PHONE_NOT_MOBILE') {
    throw badRequest(
      'PHONE_NOT_MOBILE',
      '这是座机号码，收不到短信，请输入手机号 / This is a landline; please enter a mobile number.',
      {
        field: 'phone',
      },
    );
  }
  throw badRequest(
    'PHONE_INVALID',
    '手机号码格式不正确，请检查后重新输入 / That phone number does not look right; please check it.',
    {
      field: 'phone',
    },
  );
}

/**
 * Issues a new one-time code for a phone and sends it. Does not reveal whether the phone belongs
 * to anyone: the account is created by verifyOtp on first sign-in.
 *
 * Race: the throttle check and the insert run under a per-phone advisory lock, so ten taps at once
 * give one code and nine "too soon". A new code expires the phone's older ones, so only the latest
 * code works. Sending happens after commit (no transaction held open across an SMS gateway call);
 * if it fails, the code is withdrawn so the person may retry at once.
 */
export async function requestOtp({
  ctx,
  input,
  deps = {},
}: {
  ctx: ServiceContext;
  input: RequestOtpInput;
  deps?: OtpDeps;
}): Promise<RequestOtpResult> {
  const phone = phoneOrThrow(input.phone);
  const config = deps.config ?? loadAuthConfig();
  const testCode = config.testOtps.get(phone);
  const now = ctx.now();
  const id = randomUUID();
  const code = testCode ?? generateOtpCode();
  const expiresAt = new Date(now.getTime() + OTP_TTL_MS);

  await inTransaction(ctx.db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${OTP_LOCK_CLASS}, hashtext(${phone}))`);
    const recent = await tx
      .select({ createdAt: otpChallenges.createdAt })
      .from(otpChallenges)
      .where(and(eq(otpChallenges.phone, phone), gt(otpChallenges.createdAt, windowStart(OTP_HOURLY, now))));
    const decision = resendDecision(
      recent.map((r) => r.createdAt),
      now,
      { testNumber: testCode !== undefined },
    );
    if (!decision.ok) {
      throw tooManyRequests(
        decision.code,
        decision.code === 'OTP_RESEND_TOO_SOON'
          ? `验证码已发送，请 ${decision.retryAfterSeconds} 秒后再重新获取 / A code was just sent; you can ask again in ${decision.retryAfterSeconds} s.`
          : `获取验证码次数太多，请 ${Math.ceil(decision.retryAfterSeconds / 60)} 分钟后再试 / Too many codes requested; try again in ${Math.ceil(decision.retryAfterSeconds / 60)} min.`,
        { field: 'phone', details: { retryAfterSeconds: decision.retryAfterSeconds } },
      );
    }
    // Only the newest code is valid: retire the older live ones.
    await tx
      .update(otpChallenges)
      .set({ expiresAt: now })
      .where(
        and(
          eq(otpChallenges.phone, phone),
          isNull(otpChallenges.consumedAt),
          gt(otpChallenges.expiresAt, now),
        ),
      );
    await tx.insert(otpChallenges).values({
      id,
      phone,
      codeHash: hashOtpCode(config.secret, id, code),
      expiresAt,
      createdAt: now,
    });
  });

  // Test numbers (AUTH_TEST_OTPS) have a fixed code that nobody needs to receive.
  if (testCode === undefined) {
    const sender = deps.sender ?? getOtpSender();
    try {
      await sender.send(phone, code);
    } catch (e) {
      await ctx.db.delete(otpChallenges).where(eq(otpChallenges.id, id));
      throw new Error(`[auth] sending the code with the ${sender.name} sender failed`, { cause: e });
    }
  }

  return { phone, expiresAt, resendAfterSeconds: Math.ceil(OTP_RESEND_INTERVAL_MS / 1000) };
}
