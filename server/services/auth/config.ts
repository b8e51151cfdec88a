/**
 * Sign-in configuration from the environment. Read on every use (it is a few string splits), so a
 * test can change the environment and a misconfiguration shows up on the very next sign-in.
 */
import { authSecret } from '@/server/services/shared/secret';
import { parseTestOtps } from './rules';

export type AuthConfig = {
  /** HMAC key for stored codes (AUTH_SECRET, else NEXTAUTH_SECRET). */
  secret: string;
  /** AUTH_TEST_OTPS: phone (E.164) → fixed code. Empty unless configured and allowed. */
  testOtps: ReadonlyMap<string, string>;
};

type Env = Record<string, string | undefined>;

let warnedTestOtpsInProduction = false;

/**
 * Throws, loudly and with the fix in the message, when AUTH_TEST_OTPS is set in production without
 * ALLOW_TEST_OTPS=1: fixed codes there would let anyone who reads the README sign in as those
 * people. Failing every sign-in beats quietly ignoring the setting or quietly honouring it.
 */
export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const secret = authSecret(env);
  const raw = env.AUTH_TEST_OTPS;
  if (!raw || !raw.trim()) return { secret, testOtps: new Map() };
  if (env.NODE_ENV === 'production' && env.ALLOW_TEST_OTPS !== '1') {
    throw new Error(
      '[auth] AUTH_TEST_OTPS is set while NODE_ENV=production. Test phone numbers sign in with fixed ' +
        'codes, so they are refused in production. Remove AUTH_TEST_OTPS, or set ALLOW_TEST_OTPS=1 ' +
        'if this server really is a demo.',
    );
  }
  const testOtps = parseTestOtps(raw);
  if (env.NODE_ENV === 'production' && !warnedTestOtpsInProduction) {
    warnedTestOtpsInProduction = true;
    console.warn(
      `[auth] ALLOW_TEST_OTPS=1: ${testOtps.size} test phone number(s) sign in with fixed codes. Demo use only.`,
    );
  }
  return { secret, testOtps };
}
