/**
 * The server's own secret (AUTH_SECRET, else NEXTAUTH_SECRET): the HMAC key of stored sign-in codes
 * and of bag codes. Read on every use, so a test can change the environment.
 */
type Env = Record<string, string | undefined>;

const DEV_SECRET = 'linli-dev-only-auth-secret';

export function authSecret(env: Env = process.env): string {
  const secret = env.AUTH_SECRET || env.NEXTAUTH_SECRET;
  if (secret) return secret;
  if (env.NODE_ENV === 'production') {
    throw new Error(
      '[auth] AUTH_SECRET is not set. Sign-in needs a long random secret in production ' +
        '(`npm start` creates one under .data/; otherwise set AUTH_SECRET).',
    );
  }
  return DEV_SECRET;
}
