/**
 * What the next-auth route (app/api/auth/[...nextauth]/route.ts) adds around next-auth:
 *   - sign-in attempts (POST …/callback/phone-otp) count against the per-IP and global limits; a
 *     refusal answers 429 with `Retry-After` and the body next-auth's client reads (`{ url }` with
 *     `?error=RATE_LIMITED:retryAfterSeconds=N`), so the page shows the translated message;
 *   - the sign-out answer (POST …/signout) carries `Clear-Site-Data: "cache", "storage"`: the
 *     browser drops this site's caches, IndexedDB and service worker, so the next person to use a
 *     shared phone finds nothing of the last one (issue 11 item 10; the page purges them too).
 */
import { getDatabase } from '@/db/client';
import { clientIp, rateLimitsFor, retryAfterSeconds, signInLimits } from '@/server/ops/rate-limits';
import { isServiceError } from '@/server/services/shared/errors';
import { PHONE_OTP_PROVIDER } from './options';
import { encodeSignInError } from './sign-in-codec';

type NextAuthHandler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

export const CLEAR_SITE_DATA = '"cache", "storage"';

export function withSessionGuards(handler: NextAuthHandler): NextAuthHandler {
  return async (req, ctx) => {
    const action = new URL(req.url).pathname.replace(/^.*\/api\/auth\//, '');
    if (req.method === 'POST' && action === `callback/${PHONE_OTP_PROVIDER}`) {
      try {
        await rateLimitsFor(await getDatabase()).consume(signInLimits(clientIp(req.headers)));
      } catch (e) {
        if (!isServiceError(e)) throw e;
        const wait = retryAfterSeconds(e);
        const url = new URL('/signin', req.url);
        url.searchParams.set('error', encodeSignInError(e.code, { retryAfterSeconds: wait }));
        return Response.json(
          { url: url.toString() },
          { status: 429, headers: { 'Retry-After': String(wait), 'Cache-Control': 'no-store' } },
        );
      }
    }
    const res = await handler(req, ctx);
    if (req.method === 'POST' && action === 'signout') {
      const headers = new Headers(res.headers);
      headers.set('Clear-Site-Data', CLEAR_SITE_DATA);
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }
    return res;
  };
}
