/**
 * Pure rules of phone sign-in: phone normalization, code generation and hashing, the state of a
 * challenge, the resend throttle and the AUTH_TEST_OTPS format. No database, no clock of its own:
 * callers pass `now`, so tests control time.
 */
import { createHmac, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { rollingWait, type RollingLimit } from '@/server/services/shared/rolling-window';

export const OTP_LENGTH = 6;
export const OTP_TTL_MS = 5 * 60_000;
/** Wrong tries a challenge survives; the fifth wrong one kills it and a new code is needed. */
export const OTP_MAX_ATTEMPTS = 5;
/** A phone gets at most one new code per this interval (an SMS costs money and wakes a person up). */
export const OTP_RESEND_INTERVAL_MS = 60_000;
/**
 * Codes per phone per rolling hour. With the 5-try lock this bounds guessing at 50 tries an hour
 * (a 1-in-20,000 chance per hour against a 6-digit code) while leaving room for a person whose
 * messages arrive late.
 */
export const OTP_HOURLY_LIMIT = 10;
const OTP_HOURLY_WINDOW_MS = 60 * 60_000;
/**
 * Test numbers send nothing, so the 60 s interval (which protects a real phone from SMS spam)
 * would only get in the way of several demo devices or browser journeys sharing one demo account.
 * They get a burst cap instead: at most this many codes per minute.
 */
export const TEST_OTP_BURST_LIMIT = 10;
export const TEST_OTP_BURST_WINDOW_MS = 60_000;

/** The three caps above as rolling windows (server/services/shared/rolling-window.ts). */
const OTP_RESEND: RollingLimit = { limit: 1, windowMs: OTP_RESEND_INTERVAL_MS };
export const OTP_HOURLY: RollingLimit = { limit: OTP_HOURLY_LIMIT, windowMs: OTP_HOURLY_WINDOW_MS };
const TEST_OTP_BURST: RollingLimit = { limit: TEST_OTP_BURST_LIMIT, windowMs: TEST_OTP_BURST_WINDOW_MS };

export const DEFAULT_PHONE_REGION: CountryCode = 'CN';

export type PhoneCheck =
  { ok: true; phone: string } | { ok: false; reason: 'PHONE_INVALID' | 'PHONE_NOT_MOBILE' };

/**
 * E.164 form of what a person typed: spaces, dashes, a leading 0086/+86, full-width digits are all
 * fine; a number without a country code is read as mainland China. Fixed lines are refused because
 * they cannot receive a text message.
 */
export function normalizePhone(raw: string, region: CountryCode = DEFAULT_PHONE_REGION): PhoneCheck {
  const input = raw.trim();
  if (!input || input.length > 40) return { ok: false, reason: 'PHONE_INVALID' };
  const parsed = parsePhoneNumberFromString(input, region);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'PHONE_INVALID' };
  const type = parsed.getType();
  if (
    type !== undefined &&
    type !== 'MOBILE' &&
    type !== 'FIXED_LINE_OR_MOBILE' &&
    type !== 'PERSONAL_NUMBER'
  ) {
    return { ok: false, reason: 'PHONE_NOT_MOBILE' };
  }
  return { ok: true, phone: parsed.number };
}

/** What a person typed as the code, digits only (full-width digits and spaces tolerated), or null. */
export function normalizeOtpCode(raw: string): string | null {
  const digits = raw
    .replace(/[\s-]/g, '')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return new RegExp(`^\\d{${OTP_LENGTH}}$`).test(digits) ? digits : null;
}

/** A uniformly random 6-digit code (leading zeros allowed) from the CSPRNG. */
export function generateOtpCode(rand: (max: number) => number = randomInt): string {
  return String(rand(10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
}

/**
 * Codes are stored as HMAC-SHA256(secret, "<challengeId>:<code>"): a leaked table alone reveals no
 * code (the key is not in the database), and the challenge id keeps equal codes from hashing alike.
 */
export function hashOtpCode(secret: string, challengeId: string, code: string): string {
  return createHmac('sha256', secret).update(`otp1:${challengeId}:${code}`).digest('base64url');
}

export type ChallengeState = 'live' | 'used' | 'expired' | 'locked';

export function challengeState(
  c: { expiresAt: Date; attempts: number; consumedAt: Date | null },
  now: Date,
): ChallengeState {
  if (c.consumedAt) return 'used';
  if (c.attempts >= OTP_MAX_ATTEMPTS) return 'locked';
  if (c.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'live';
}

export function remainingAttempts(attempts: number): number {
  return Math.max(0, OTP_MAX_ATTEMPTS - attempts);
}

export type ResendDecision =
  { ok: true } | { ok: false; code: 'OTP_RESEND_TOO_SOON' | 'OTP_HOURLY_LIMIT'; retryAfterSeconds: number };

/**
 * May this phone get a new code now? `recent` holds the creation times of its codes in the last
 * hour (any order). Real numbers: one per 60 s and 10 per rolling hour; test numbers: 10 a minute.
 */
export function resendDecision(
  recent: readonly Date[],
  now: Date,
  opts: { testNumber: boolean },
): ResendDecision {
  const refuse = (
    code: 'OTP_RESEND_TOO_SOON' | 'OTP_HOURLY_LIMIT',
    rule: RollingLimit,
  ): ResendDecision | null => {
    const wait = rollingWait(recent, rule, now);
    return wait === null ? null : { ok: false, code, retryAfterSeconds: wait };
  };
  if (opts.testNumber) return refuse('OTP_RESEND_TOO_SOON', TEST_OTP_BURST) ?? { ok: true };
  return refuse('OTP_RESEND_TOO_SOON', OTP_RESEND) ?? refuse('OTP_HOURLY_LIMIT', OTP_HOURLY) ?? { ok: true };
}

/**
 * Parses AUTH_TEST_OTPS (`+8613800000001=111111,+8613800000002=222222`) into phone → code.
 * Throws on any malformed entry: a typo here must not silently leave a demo account unusable.
 */
export function parseTestOtps(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!raw || !raw.trim()) return map;
  for (const entry of raw.split(',')) {
    const item = entry.trim();
    if (!item) continue;
    const eq = item.lastIndexOf('=');
    if (eq <= 0) throw new Error(`AUTH_TEST_OTPS: "${item}" is not of the form <phone>=<6-digit code>`);
    const phone = normalizePhone(item.slice(0, eq));
    if (!phone.ok) throw new Error(`AUTH_TEST_OTPS: "${item.slice(0, eq)}" is not a valid mobile number`);
    const code = item.slice(eq + 1).trim();
    if (!new RegExp(`^\\d{${OTP_LENGTH}}$`).test(code)) {
      throw new Error(`AUTH_TEST_OTPS: the code for ${phone.phone} must be ${OTP_LENGTH} digits`);
    }
    map.set(phone.phone, code);
  }
  return map;
}

/** A name for a person who signs in before anyone entered theirs (the roster import sets the real one). */
export function placeholderName(e164: string): string {
  return `用户${e164.slice(-4)}`;
}
