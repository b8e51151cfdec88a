import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '@/db/client';
import { globalAuditLog, otpChallenges, users } from '@/db/schema';
import { readDevOutbox } from '@/server/auth/dev-outbox';
import type { OtpSender } from '@/server/auth/otp-sender';
import type { AuthConfig } from '@/server/services/auth/config';
import { pruneOtpChallenges } from '@/server/services/auth/prune-otp-challenges';
import { requestOtp } from '@/server/services/auth/request-otp';
import { verifyOtp } from '@/server/services/auth/verify-otp';
import { isServiceError, type ServiceError } from '@/server/services/shared/errors';
import { callerFor, serviceCtx } from '@/tests/helpers/context';
import { createTestDatabase } from '@/tests/helpers/db';
import { makeUser, nextPhone } from '@/tests/helpers/fixtures';
import { setLogDestination } from '@/server/ops/log';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const T0 = new Date('2022-04-10T08:00:00+08:00');

/** A clock the test moves by hand, a sender that keeps what it sent, and a fixed secret. */
function harness(testOtps: Record<string, string> = {}) {
  let clock = T0.getTime();
  const sent: { phone: string; code: string }[] = [];
  const sender: OtpSender = {
    name: 'capture',
    async send(phone, code) {
      sent.push({ phone, code });
    },
  };
  const config: AuthConfig = { secret: 'integration-secret', testOtps: new Map(Object.entries(testOtps)) };
  const ctx = () => serviceCtx(database, null, () => new Date(clock));
  return {
    sent,
    advance: (ms: number) => {
      clock += ms;
    },
    lastCode: (phone: string) => [...sent].reverse().find((s) => s.phone === phone)!.code,
    request: (phone: string) => requestOtp({ ctx: ctx(), input: { phone }, deps: { sender, config } }),
    verify: (phone: string, code: string) =>
      verifyOtp({ ctx: ctx(), input: { phone, code }, deps: { config } }),
  };
}

/** The ServiceError a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const e: unknown = await p.then(
    () => {
      throw new Error('expected a refusal, got success');
    },
    (err: unknown) => err,
  );
  if (!isServiceError(e)) throw e;
  return e;
}

const wrong = (code: string) => (code === '000000' ? '999999' : '000000');

describe('requestOtp + verifyOtp', () => {
  it('signs in with the texted code, creating the person on first sign-in and finding them after', async () => {
    const h = harness();
    const phone = nextPhone();
    const res = await h.request(phone.replace('+86', '')); // typed without the country code
    expect(res.phone).toBe(phone);
    expect(res.resendAfterSeconds).toBe(60);
    expect(h.sent).toHaveLength(1);
    const code = h.lastCode(phone);
    expect(code).toMatch(/^\d{6}$/);

    // Stored hashed: the table never holds the code itself.
    const [row] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.phone, phone));
    expect(row!.codeHash).not.toContain(code);
    expect(row!.expiresAt.getTime() - T0.getTime()).toBe(5 * 60_000);

    const first = await h.verify(phone, code);
    expect(first.created).toBe(true);
    expect(first.user.phone).toBe(phone);
    expect(first.user.name).toBe(`用户${phone.slice(-4)}`);
    const audit = await database.db
      .select()
      .from(globalAuditLog)
      .where(eq(globalAuditLog.entityId, first.user.id));
    expect(audit.map((a) => a.action)).toEqual(['user.created']);

    h.advance(61_000);
    await h.request(phone);
    const again = await h.verify(phone, h.lastCode(phone));
    expect(again).toEqual({ user: first.user, created: false });
  });

  it('signs a person from the roster in as themselves', async () => {
    const h = harness();
    const person = await makeUser(database.db, { name: '张桂英' });
    await h.request(person.phone!);
    const { user, created } = await h.verify(person.phone!, h.lastCode(person.phone!));
    expect(created).toBe(false);
    expect(user).toEqual(person);
    expect(await database.db.$count(users, eq(users.phone, person.phone!))).toBe(1);
  });

  it('refuses a malformed phone with PHONE_INVALID and a landline with PHONE_NOT_MOBILE', async () => {
    const h = harness();
    const bad = await refusal(h.request('12345'));
    expect([bad.kind, bad.code, bad.field]).toEqual(['BAD_REQUEST', 'PHONE_INVALID', 'phone']);
    const landline = await refusal(h.request('021 6123 4567'));
    expect([landline.kind, landline.code]).toEqual(['BAD_REQUEST', 'PHONE_NOT_MOBILE']);
    expect(h.sent).toHaveLength(0);
  });

  it('a code expires after 5 minutes', async () => {
    const h = harness();
    const a = nextPhone();
    await h.request(a);
    h.advance(5 * 60_000 - 1_000);
    await expect(h.verify(a, h.lastCode(a))).resolves.toMatchObject({ user: { phone: a } });

    const b = nextPhone();
    await h.request(b);
    h.advance(5 * 60_000);
    const e = await refusal(h.verify(b, h.lastCode(b)));
    expect([e.kind, e.code]).toEqual(['PRECONDITION_FAILED', 'OTP_EXPIRED']);
  });

  it('a code works once', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    await h.verify(phone, h.lastCode(phone));
    const e = await refusal(h.verify(phone, h.lastCode(phone)));
    expect([e.kind, e.code]).toEqual(['PRECONDITION_FAILED', 'OTP_USED']);
  });

  it('says how many tries are left, and locks the code after 5 wrong ones, even against the right code', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    const code = h.lastCode(phone);
    const left: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await refusal(h.verify(phone, wrong(code)));
      expect([e.kind, e.code, e.field]).toEqual(['BAD_REQUEST', 'OTP_WRONG', 'code']);
      left.push(e.details?.remainingAttempts);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const fifth = await refusal(h.verify(phone, wrong(code)));
    expect([fifth.kind, fifth.code]).toEqual(['TOO_MANY_REQUESTS', 'OTP_LOCKED']);
    const right = await refusal(h.verify(phone, code));
    expect(right.code).toBe('OTP_LOCKED');

    // A new code (after the resend interval) works again.
    h.advance(60_000);
    await h.request(phone);
    await expect(h.verify(phone, h.lastCode(phone))).resolves.toMatchObject({ user: { phone } });
  });

  it('20 wrong guesses at once spend exactly 5 tries', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    const code = h.lastCode(phone);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => h.verify(phone, wrong(code))));
    const codes = results.map((r) =>
      r.status === 'rejected' && isServiceError(r.reason) ? r.reason.code : 'OTHER',
    );
    expect(codes.filter((c) => c === 'OTP_WRONG')).toHaveLength(4);
    expect(codes.filter((c) => c === 'OTP_LOCKED')).toHaveLength(16);
    const [row] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.phone, phone));
    expect(row!.attempts).toBe(5);
    expect((await refusal(h.verify(phone, code))).code).toBe('OTP_LOCKED');
  });

  it('the right code sent 10 times at once signs in once', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    const code = h.lastCode(phone);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.verify(phone, code)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.flatMap((r) =>
      r.status === 'rejected' && isServiceError(r.reason) ? [r.reason.code] : [],
    );
    expect(refused).toEqual(Array(9).fill('OTP_USED'));
    expect(await database.db.$count(users, eq(users.phone, phone))).toBe(1);
  });

  it('a mistyped code (not 6 digits) is refused without spending a try', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    const e = await refusal(h.verify(phone, '12 34'));
    expect([e.kind, e.code, e.field]).toEqual(['BAD_REQUEST', 'OTP_CODE_FORMAT', 'code']);
    const [row] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.phone, phone));
    expect(row!.attempts).toBe(0);
  });

  it('asks for a code first when none was requested', async () => {
    const e = await refusal(harness().verify(nextPhone(), '123456'));
    expect([e.kind, e.code]).toEqual(['PRECONDITION_FAILED', 'OTP_NOT_REQUESTED']);
  });
});

describe('resend throttle', () => {
  it('one new code per phone per 60 s, with the wait in details; the new code replaces the old one', async () => {
    const h = harness();
    const phone = nextPhone();
    await h.request(phone);
    const oldCode = h.lastCode(phone);
    h.advance(20_000);
    const e = await refusal(h.request(phone));
    expect([e.kind, e.code]).toEqual(['TOO_MANY_REQUESTS', 'OTP_RESEND_TOO_SOON']);
    expect(e.details).toEqual({ retryAfterSeconds: 40 });
    expect(h.sent).toHaveLength(1);

    h.advance(40_000);
    await h.request(phone);
    const newCode = h.lastCode(phone);
    expect(h.sent).toHaveLength(2);
    if (newCode !== oldCode) expect((await refusal(h.verify(phone, oldCode))).code).toBe('OTP_WRONG');
    await expect(h.verify(phone, newCode)).resolves.toMatchObject({ user: { phone } });
  });

  it('10 taps at once send one code', async () => {
    const h = harness();
    const phone = nextPhone();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.request(phone)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.flatMap((r) =>
      r.status === 'rejected' && isServiceError(r.reason) ? [r.reason.code] : [],
    );
    expect(refused).toEqual(Array(9).fill('OTP_RESEND_TOO_SOON'));
    expect(h.sent).toHaveLength(1);
  });

  it('at most 10 codes per phone per hour', async () => {
    const h = harness();
    const phone = nextPhone();
    for (let i = 0; i < 10; i++) {
      await h.request(phone);
      h.advance(61_000);
    }
    const e = await refusal(h.request(phone));
    expect([e.kind, e.code]).toEqual(['TOO_MANY_REQUESTS', 'OTP_HOURLY_LIMIT']);
    expect(e.details?.retryAfterSeconds).toBe(3600 - 610);
    h.advance(3600_000 - 610_000);
    await expect(h.request(phone)).resolves.toMatchObject({ phone });
  });

  it('a code that could not be sent is withdrawn, so the person may try again at once', async () => {
    const phone = nextPhone();
    const config: AuthConfig = { secret: 's', testOtps: new Map() };
    const ctx = serviceCtx(database, null, () => T0);
    const broken: OtpSender = {
      name: 'broken',
      send: () => Promise.reject(new Error('gateway down')),
    };
    await expect(requestOtp({ ctx, input: { phone }, deps: { sender: broken, config } })).rejects.toThrow(
      /broken sender failed/,
    );
    expect(await database.db.$count(otpChallenges, eq(otpChallenges.phone, phone))).toBe(0);
    const h = harness();
    await expect(h.request(phone)).resolves.toMatchObject({ phone });
  });
});

describe('through the API (auth.requestOtp) with the environment configuration', () => {
  const TEST_PHONE = '+8613800000091';

  it('a real number gets its code through the log sender and the dev outbox', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const phone = nextPhone();
    const caller = callerFor(database, null);
    await caller.auth.requestOtp({ phone });
    const [entry] = readDevOutbox({ phone });
    expect(entry?.code).toMatch(/^\d{6}$/);
    expect(info.mock.calls.flat().join(' ')).toContain(entry!.code);
    const { user } = await verifyOtp({
      ctx: serviceCtx(database, null),
      input: { phone, code: entry!.code },
    });
    expect(user.phone).toBe(phone);
    expect(await callerFor(database, user).auth.session()).toEqual(user);
    expect(await caller.auth.session()).toBeNull();
  });

  it('test numbers sign in with their fixed code and send nothing (development)', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    vi.stubEnv('AUTH_TEST_OTPS', `${TEST_PHONE}=424242`);
    const caller = callerFor(database, null);
    await caller.auth.requestOtp({ phone: TEST_PHONE });
    expect(readDevOutbox({ phone: TEST_PHONE })).toEqual([]);
    const { user } = await verifyOtp({
      ctx: serviceCtx(database, null),
      input: { phone: TEST_PHONE, code: '424242' },
    });
    expect(user.phone).toBe(TEST_PHONE);
    // Several demo devices may share a test account: no 60 s wait between them.
    await caller.auth.requestOtp({ phone: TEST_PHONE });
    // Still a one-time code: wrong tries count and lock like any other.
    const e = await refusal(
      verifyOtp({ ctx: serviceCtx(database, null), input: { phone: TEST_PHONE, code: '000000' } }),
    );
    expect(e.code).toBe('OTP_WRONG');
  });

  it('test numbers are refused in production without ALLOW_TEST_OTPS=1: loudly, and nobody signs in with them', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('AUTH_SECRET', 'production-secret');
    vi.stubEnv('LINLI_DEV_OUTBOX', '1');
    vi.stubEnv('AUTH_TEST_OTPS', `${TEST_PHONE}=424242`);
    const logged: string[] = [];
    setLogDestination({ write: (line: string) => void logged.push(line) });
    const caller = callerFor(database, null);

    const err: unknown = await caller.auth.requestOtp({ phone: TEST_PHONE }).catch((e: unknown) => e);
    setLogDestination(undefined);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
    // The operator's log (server/ops/log.ts) says why.
    expect(logged.join(' ')).toMatch(/AUTH_TEST_OTPS is set while NODE_ENV=production/);
    await expect(
      verifyOtp({ ctx: serviceCtx(database, null), input: { phone: TEST_PHONE, code: '424242' } }),
    ).rejects.toThrow(/ALLOW_TEST_OTPS=1/);

    vi.stubEnv('ALLOW_TEST_OTPS', '1');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await caller.auth.requestOtp({ phone: TEST_PHONE });
    const { user } = await verifyOtp({
      ctx: serviceCtx(database, null),
      input: { phone: TEST_PHONE, code: '424242' },
    });
    expect(user.phone).toBe(TEST_PHONE);
  });

  it('bad input is BAD_REQUEST with a message a person can read', async () => {
    const caller = callerFor(database, null);
    const malformed: unknown = await caller.auth
      .requestOtp({ phone: 'not a phone' })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(TRPCError);
    expect((malformed as TRPCError).code).toBe('BAD_REQUEST');
    expect((malformed as TRPCError).message).toMatch(/手机号码格式不正确.*phone number/);
    expect(((malformed as TRPCError).cause as ServiceError).code).toBe('PHONE_INVALID');

    const empty: unknown = await caller.auth.requestOtp({ phone: '  ' }).catch((e: unknown) => e);
    expect((empty as TRPCError).code).toBe('BAD_REQUEST');
    expect((empty as TRPCError).message).toMatch(/请输入手机号/);
  });
});

describe('old challenges', () => {
  it('are pruned after a day, newer ones stay (the throttle still sees them)', async () => {
    const h = harness();
    const oldPhone = nextPhone();
    const newPhone = nextPhone();
    await h.request(oldPhone);
    h.advance(23 * 3600_000);
    await h.request(newPhone);
    const removed = await pruneOtpChallenges({
      ctx: serviceCtx(database, null, () => new Date(T0.getTime() + 24 * 3600_000 + 1)),
    });
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await database.db.$count(otpChallenges, eq(otpChallenges.phone, oldPhone))).toBe(0);
    expect(await database.db.$count(otpChallenges, eq(otpChallenges.phone, newPhone))).toBe(1);
  });
});
