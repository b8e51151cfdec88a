/**
 * What passes between next-auth and the sign-in page. Pure (no Node, no Next): the client imports it.
 *
 * next-auth v4 hands a failed Credentials sign-in to the page as one string (`?error=…`), so a
 * service error travels as `CODE` or `CODE:key=value,…` (numeric values only, e.g.
 * `OTP_WRONG:remainingAttempts=3`) and the page translates `auth.errors.CODE` with those values.
 */
export type SignInError = { code: string; values: Record<string, number> };

export function encodeSignInError(code: string, details?: Record<string, unknown> | null): string {
  const pairs = Object.entries(details ?? {}).filter(
    (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]) && /^\w+$/.test(e[0]),
  );
  return pairs.length ? `${code}:${pairs.map(([k, v]) => `${k}=${v}`).join(',')}` : code;
}

export function decodeSignInError(raw: string | null | undefined): SignInError | null {
  if (!raw) return null;
  const [code = '', rest] = raw.split(':', 2);
  if (!/^\w+$/.test(code)) return { code: 'INTERNAL', values: {} };
  const values: Record<string, number> = {};
  for (const pair of (rest ?? '').split(',')) {
    const [k, v] = pair.split('=');
    if (k && v && /^\w+$/.test(k) && Number.isFinite(Number(v))) values[k] = Number(v);
  }
  return { code, values };
}

/** Only same-site paths are followed after sign-in (no open redirect through `callbackUrl`). */
export function safeCallbackPath(raw: string | null | undefined, fallback = '/'): string {
  if (!raw) return fallback;
  let value = raw;
  if (/^https?:\/\//i.test(value)) {
    // next-auth hands absolute URLs; keep only their path, on our own site.
    try {
      const u = new URL(value);
      value = `${u.pathname}${u.search}${u.hash}`;
    } catch {
      return fallback;
    }
  }
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value === '/signin' || value.startsWith('/signin?') || value.startsWith('/api/auth')) return fallback;
  return value;
}
