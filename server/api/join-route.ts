/**
 * The join's lean HTTP path (issue 12): `POST /api/trpc/relay.join` (alone, or as a batch of one,
 * as the relay page's batch link sends it) is answered by the custom server (server/cli/serve.ts)
 * before Next sees the request. It is the same tRPC procedure (server/api/routers/relay-join.ts:
 * the same middleware, role check, zod input, service and error shapes), called directly; what it
 * skips is Next's routing and route runtime, the response compression, tRPC's fetch adapter (a
 * Request object, body streams and abort signals per request), and next-auth's
 * `getServerSession`, which derives its key with HKDF twice and re-encrypts the session token on
 * every request. Here the token is decrypted by jose's `jwtDecrypt`, as next-auth's `decode` does it
 * (the same 15 s clock tolerance), with the key derived once per process, and the server-side session is
 * checked as everywhere else (`checkSession`, cached per process). The cookie's sliding expiry is
 * renewed by the page loads around a join, not by the join itself.
 *
 * A request it does not recognise (another path, a batch of several, a content type other than
 * JSON) goes on to Next unchanged.
 */
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
} from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { jwtDecrypt } from 'jose';
import { getDatabase } from '@/db/client';
import { countHttp5xx } from '@/server/ops/metrics';
import { logTrpcError } from '@/server/ops/observe';
import { CLIENT_IP_HEADER, rateLimitsFor } from '@/server/ops/rate-limits';
import { REQUEST_ID_HEADER, newRequestId } from '@/server/ops/http';
import { checkSession } from '@/server/services/auth/sessions';
import type { SessionUser } from '@/server/services/shared/context';
import { retryAfter } from './http-handler';
import { joinProcedure } from './routers/relay-join';
import { createContext, router, type Context } from './trpc';

const joinRouter = router({ relay: router({ join: joinProcedure }) });
const PROCEDURE = 'relay.join';

/** next-auth's session cookie: the secure name on https deployments, the plain one elsewhere. */
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];
/** next-auth v4's token key: HKDF-SHA256 of the secret, empty salt, this info, 32 bytes. */
const KEY_INFO = 'NextAuth.js Generated Encryption Key';
const CLOCK_TOLERANCE_S = 15;

/** The session token from a Cookie header (joined back when next-auth split it into chunks). */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  const jar = new Map<string, string>();
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of SESSION_COOKIES) {
    const whole = jar.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let k = 0; jar.has(`${name}.${k}`); k++) chunks.push(jar.get(`${name}.${k}`)!);
    if (chunks.length) return chunks.join('');
  }
  return null;
}

let derived: { secret: string; key: KeyObject } | null = null;
/** next-auth v4's `getDerivedEncryptionKey` (empty salt), derived once per process and secret. */
function keyFor(secret: string): KeyObject {
  if (derived?.secret !== secret) {
    derived = { secret, key: createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', KEY_INFO, 32))) };
  }
  return derived.key;
}

/**
 * next-auth's `decode` — jose's `jwtDecrypt` with its 15 s clock tolerance — with the key derived
 * once, and only the algorithms next-auth's `encode` writes (dir + A256GCM). Returns the payload,
 * or `null` for a token that is not valid (tampered, another secret, expired), as
 * `getServerSession` treats a token its `decode` refuses.
 */
export async function decodeSessionToken(
  token: string,
  secret: string,
): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtDecrypt(token, keyFor(secret), {
      clockTolerance: CLOCK_TOLERANCE_S,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    return payload;
  } catch {
    return null;
  }
}

/** The signed-in user, as `getSessionUser()` finds them: token, then the server-side session. */
async function sessionUser(payload: Record<string, unknown> | null): Promise<SessionUser | null> {
  const userId = typeof payload?.uid === 'string' ? payload.uid : '';
  if (!userId) return null;
  const database = await getDatabase();
  return checkSession({
    ctx: { database, db: database.db, user: null, now: () => new Date() },
    input: { userId, sessionId: typeof payload?.sid === 'string' ? payload.sid : undefined },
  });
}

/** The body as text, or null when it is larger than `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const MAX_BODY_BYTES = 1 << 20;
const config = joinRouter._def._config;

/** The request's input as tRPC reads it: JSON, then the transformer (superjson); a batch of one. */
function inputOf(body: string, batch: boolean): unknown {
  let parsed: unknown;
  try {
    parsed = body === '' ? undefined : JSON.parse(body);
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'The request body is not JSON', cause });
  }
  if (batch) {
    if (!parsed || typeof parsed !== 'object')
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: '"input" needs to be an object when doing a batch call',
      });
    parsed = (parsed as Record<string, unknown>)['0'];
  }
  return parsed === undefined ? undefined : config.transformer.input.deserialize(parsed);
}

/**
 * Answers a join request (see server/api/join-path.ts) the way tRPC's HTTP handler answers it —
 * the same procedure call, error shape (the app's errorFormatter), status code, transformer and
 * `Retry-After` — without building a fetch Request, its body stream and abort signals. Returns false
 * without touching `res` when the request is one for Next (a content type other than JSON, no
 * secret configured).
 */
export async function handleJoinRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const secret = process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET;
  if (!secret) return false;
  const type = req.headers['content-type'];
  if (type !== undefined && !type.startsWith('application/json')) return false;
  const token = sessionTokenFrom(req.headers.cookie);
  const payload = token ? await decodeSessionToken(token, secret) : null;
  const requestId = (req.headers[REQUEST_ID_HEADER] as string | undefined) ?? newRequestId();
  const batch = new URLSearchParams(req.url!.slice(req.url!.indexOf('?') + 1)).get('batch') === '1';
  let ctx: Context | undefined;
  let input: unknown;
  let answer: { error: unknown } | { result: { data: unknown } };
  let status = 200;
  let wait: number | null = null;
  try {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' });
    input = inputOf(body, batch);
    const database = await getDatabase();
    const headers = new Headers();
    const ip = req.headers[CLIENT_IP_HEADER];
    if (typeof ip === 'string') headers.set(CLIENT_IP_HEADER, ip);
    ctx = createContext({
      database,
      user: await sessionUser(payload),
      headers,
      requestId,
      limits: rateLimitsFor(database),
    });
    const data: unknown = await callTRPCProcedure({
      router: joinRouter,
      path: PROCEDURE,
      getRawInput: async () => input,
      ctx,
      type: 'mutation',
      signal: undefined,
      batchIndex: 0,
    });
    answer = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    logTrpcError({ requestId, procedure: PROCEDURE, error });
    status = getHTTPStatusCodeFromError(error);
    wait = retryAfter([error]);
    answer = {
      error: getTRPCErrorShape({ config, ctx, error, input, path: PROCEDURE, type: 'mutation' }),
    };
  }
  const out = transformTRPCResponse(config, answer as never);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (wait !== null) headers['retry-after'] = String(wait);
  if (status >= 500) countHttp5xx('trpc');
  res.writeHead(status, headers).end(JSON.stringify(batch ? [out] : out));
  return true;
}
