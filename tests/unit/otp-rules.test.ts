import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSignInError, encodeSignInError, safeCallbackPath } from '@/server/auth/sign-in-codec';
import { loadAuthConfig } from '@/server/services/auth/config';
import {
  challengeState,
  generateOtpCode,
  hashOtpCode,
  normalizeOtpCode,
  normalizePhone,
  parseTestOtps,
  resendDecision,
} from '@/server/services/auth/rules';

const T0 = new Date('2022-04-10T08:00:00+08:00');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['138-0013-8000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['+44 7911 123456', '+447911123456'],
  ])('reads %s as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, phone: e164 });
  });

  it.each(['', '   ', 'abc', '12345', '+861380013800011', '1380013800'])(
    'refuses %j as PHONE_INVALID',
    (raw) => {
      expect(normalizePhone(raw)).toEqual({ ok: false, reason: 'PHONE_INVALID' });
    },
  );

  it('refuses a Shanghai landline, which cannot receive a text', () => {
    expect(normalizePhone('021 6123 4567')).toEqual({ ok: false, reason: 'PHONE_NOT_MOBILE' });
  });
});

describe('codes', () => {
  it('are 6 digits, leading zeros kept', () => {
    expect(generateOtpCode(() => 42)).toBe('000042');
    expect(generateOtpCode(() => 999_999)).toBe('999999');
    for (let i = 0; i < 200; i++) expect(generateOtpCode()).toMatch(/^\d{6}$/);
  });

  it('accept what a person types or pastes, nothing else', () => {
    expect(normalizeOtpCode('123456')).toBe('123456');
    expect(normalizeOtpCode(' 123 456 ')).toBe('123456');
    expect(normalizeOtpCode('１２３４５６')).toBe('123456');
    expect(normalizeOtpCode('12345')).toBeNull();
    expect(normalizeOtpCode('1234567')).toBeNull();
    expect(normalizeOtpCode('12a456')).toBeNull();
  });

  it('hash differently per secret, per challenge and per code, and never contain the code', () => {
    const h = hashOtpCode('s1', 'c1', '123456');
    expect(h).not.toContain('123456');
    expect(hashOtpCode('s1', 'c1', '123456')).toBe(h);
    expect(hashOtpCode('s2', 'c1', '123456')).not.toBe(h);
    expect(hashOtpCode('s1', 'c2', '123456')).not.toBe(h);
    expect(hashOtpCode('s1', 'c1', '123457')).not.toBe(h);
  });
});

describe('challengeState', () => {
  const live = { expiresAt: at(5 * 60_000), attempts: 0, consumedAt: null };
  it('is live until the fifth minute ends', () => {
    expect(challengeState(live, at(5 * 60_000 - 1))).toBe('live');
    expect(challengeState(live, at(5 * 60_000))).toBe('expired');
  });
  it('locks at 5 attempts', () => {
    expect(challengeState({ ...live, attempts: 4 }, T0)).toBe('live');
    expect(challengeState({ ...live, attempts: 5 }, T0)).toBe('locked');
  });
  it('a used code stays used, even past expiry', () => {
    expect(challengeState({ ...live, consumedAt: T0 }, at(10 * 60_000))).toBe('used');
  });
});

describe('resendDecision', () => {
  const real = { testNumber: false };
  it('lets the first code through', () => {
    expect(resendDecision([], T0, real)).toEqual({ ok: true });
  });
  it('refuses a second code within 60 s and says how long to wait', () => {
    expect(resendDecision([T0], at(15_000), real)).toEqual({
      ok: false,
      code: 'OTP_RESEND_TOO_SOON',
      retryAfterSeconds: 45,
    });
    expect(resendDecision([T0], at(59_001), real)).toEqual({
      ok: false,
      code: 'OTP_RESEND_TOO_SOON',
      retryAfterSeconds: 1,
    });
    expect(resendDecision([T0], at(60_000), real)).toEqual({ ok: true });
  });
  it('caps a phone at 10 codes per rolling hour', () => {
    const ten = Array.from({ length: 10 }, (_, i) => at(i * 61_000));
    const d = resendDecision(ten, at(10 * 61_000), real);
    expect(d).toEqual({ ok: false, code: 'OTP_HOURLY_LIMIT', retryAfterSeconds: 3600 - 610 });
    expect(resendDecision(ten, at(3_600_000), real)).toEqual({ ok: true });
  });
  it('gives test numbers a burst cap instead of the 60 s interval', () => {
    const t = { testNumber: true };
    expect(resendDecision([T0], at(1_000), t)).toEqual({ ok: true });
    const ten = Array.from({ length: 10 }, (_, i) => at(i * 1_000));
    expect(resendDecision(ten, at(10_000), t)).toEqual({
      ok: false,
      code: 'OTP_RESEND_TOO_SOON',
      retryAfterSeconds: 50,
    });
  });
  it('never lets two codes through within 60 s, whatever the history (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3_600_000 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (hist, t) => {
          const now = at(t);
          const d = resendDecision(hist.map(at), now, real);
          const tooRecent = hist.some((h) => h <= t && t - h < 60_000);
          if (tooRecent) expect(d.ok).toBe(false);
          if (!d.ok) expect(d.retryAfterSeconds).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('AUTH_TEST_OTPS', () => {
  it('parses phone=code pairs into E.164', () => {
    const m = parseTestOtps('+8613800000001=111111, 13800000002=222222');
    expect([...m]).toEqual([
      ['+8613800000001', '111111'],
      ['+8613800000002', '222222'],
    ]);
    expect(parseTestOtps(undefined).size).toBe(0);
    expect(parseTestOtps(' ').size).toBe(0);
  });
  it('refuses malformed entries with the entry in the message', () => {
    expect(() => parseTestOtps('+8613800000001')).toThrow(/\+8613800000001.*<phone>=<6-digit code>/);
    expect(() => parseTestOtps('12345=111111')).toThrow(/12345.*not a valid mobile/);
    expect(() => parseTestOtps('+8613800000001=1111')).toThrow(/must be 6 digits/);
  });
  it('are refused in production unless ALLOW_TEST_OTPS=1', () => {
    const env = { NODE_ENV: 'production', AUTH_SECRET: 's', AUTH_TEST_OTPS: '+8613800000001=111111' };
    expect(() => loadAuthConfig(env)).toThrow(
      /AUTH_TEST_OTPS is set while NODE_ENV=production.*ALLOW_TEST_OTPS=1/s,
    );
    expect(loadAuthConfig({ ...env, ALLOW_TEST_OTPS: '1' }).testOtps.get('+8613800000001')).toBe('111111');
    expect(loadAuthConfig({ ...env, NODE_ENV: 'development' }).testOtps.size).toBe(1);
  });
  it('production without a secret refuses to sign anyone in', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET is not set/);
  });
});

describe('sign-in error codec and callback paths', () => {
  it('round-trips a code with its numbers', () => {
    const s = encodeSignInError('OTP_WRONG', { remainingAttempts: 3, note: 'x' });
    expect(s).toBe('OTP_WRONG:remainingAttempts=3');
    expect(decodeSignInError(s)).toEqual({ code: 'OTP_WRONG', values: { remainingAttempts: 3 } });
    expect(decodeSignInError('OTP_EXPIRED')).toEqual({ code: 'OTP_EXPIRED', values: {} });
    expect(decodeSignInError('<script>')).toEqual({ code: 'INTERNAL', values: {} });
    expect(decodeSignInError(null)).toBeNull();
  });
  it('follows only same-site paths after sign-in', () => {
    expect(safeCallbackPath('/roster?q=3-2-201')).toBe('/roster?q=3-2-201');
    expect(safeCallbackPath('https://evil.example/steal')).toBe('/steal');
    expect(safeCallbackPath('//evil.example')).toBe('/');
    expect(safeCallbackPath('/\\evil.example')).toBe('/');
    expect(safeCallbackPath('javascript:alert(1)')).toBe('/');
    expect(safeCallbackPath('/signin')).toBe('/');
    expect(safeCallbackPath(undefined)).toBe('/');
  });
});
