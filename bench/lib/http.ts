/**
 * What a phone does over HTTP, without a browser: tRPC calls with superjson (the app's transformer),
 * next-auth's cookie session, and tRPC's SSE subscriptions read as a raw text/event-stream.
 */
import { performance } from 'node:perf_hooks';
import superjson from 'superjson';

/** A phone's cookies: only what the server set, sent back as-is. */
export class CookieJar {
  private cookies = new Map<string, string>();
  absorb(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) {
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export type TrpcError = { status: number; code: string; appCode: string | null; message: string };
export type TrpcResult<T> =
  | { ok: true; status: number; data: T; ms: number }
  | { ok: false; status: number; error: TrpcError; ms: number };

type Envelope = {
  result?: { data?: unknown };
  error?: { json?: { message?: string; code?: number; data?: { code?: string; appCode?: string | null } } };
};

function decode<T>(status: number, body: string, ms: number): TrpcResult<T> {
  let parsed: Envelope;
  try {
    parsed = JSON.parse(body) as Envelope;
  } catch {
    return {
      ok: false,
      status,
      ms,
      error: { status, code: 'NOT_JSON', appCode: null, message: body.slice(0, 200) },
    };
  }
  if (parsed.error) {
    const e = parsed.error.json ?? {};
    return {
      ok: false,
      status,
      ms,
      error: {
        status,
        code: e.data?.code ?? 'UNKNOWN',
        appCode: e.data?.appCode ?? null,
        message: e.message ?? '',
      },
    };
  }
  const data = parsed.result?.data as Parameters<typeof superjson.deserialize>[0];
  return { ok: true, status, ms, data: superjson.deserialize<T>(data) };
}

export class Phone {
  constructor(
    readonly base: string,
    readonly jar = new CookieJar(),
  ) {}

  /** The same phone (same cookies) talking to another app instance. */
  at(base: string): Phone {
    return new Phone(base, this.jar);
  }

  /** POST /api/trpc/<path> with a superjson body: `{"json": …}`. Network errors throw. */
  async mutate<T>(procedure: string, input: unknown, signal?: AbortSignal): Promise<TrpcResult<T>> {
    const t = performance.now();
    const res = await fetch(`${this.base}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.jar.header() },
      body: JSON.stringify(superjson.serialize(input)),
      signal,
    });
    const body = await res.text();
    return decode<T>(res.status, body, performance.now() - t);
  }

  async query<T>(procedure: string, input: unknown): Promise<TrpcResult<T>> {
    const t = performance.now();
    const q =
      input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
    const res = await fetch(`${this.base}/api/trpc/${procedure}${q}`, {
      headers: { cookie: this.jar.header() },
    });
    const body = await res.text();
    return decode<T>(res.status, body, performance.now() - t);
  }

  /**
   * Signs in the way the sign-in page does: ask for a code (auth.requestOtp), read it where the
   * configured sender put it (`getCode`), then next-auth's Credentials callback with its CSRF token.
   */
  async signIn(phone: string, getCode: (phone: string) => Promise<string>): Promise<void> {
    const asked = await this.mutate('auth.requestOtp', { phone });
    if (!asked.ok)
      throw new Error(
        `requestOtp ${phone}: ${asked.error.appCode ?? asked.error.code} ${asked.error.message}`,
      );
    const code = await getCode(phone);
    const csrfRes = await fetch(`${this.base}/api/auth/csrf`, { headers: { cookie: this.jar.header() } });
    this.jar.absorb(csrfRes);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const res = await fetch(`${this.base}/api/auth/callback/phone-otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.jar.header() },
      body: new URLSearchParams({ csrfToken, phone, code, callbackUrl: '/', json: 'true' }).toString(),
      redirect: 'manual',
    });
    this.jar.absorb(res);
    const body = await res.text();
    if (!this.jar.has('next-auth.session-token'))
      throw new Error(`sign-in ${phone} refused: ${res.status} ${body.slice(0, 200)}`);
  }
}

export type SseEvent = { id: string | null; event: string; data: string; at: number };

/**
 * A tRPC SSE subscription read as a raw text/event-stream (what httpSubscriptionLink does in the
 * browser). `onEvent` gets every event with the time it was parsed; `ready` resolves once the
 * server answered with the event stream.
 */
export function subscribe(
  base: string,
  procedure: string,
  input: unknown,
  cookie: string,
  onEvent: (e: SseEvent) => void,
): { ready: Promise<void>; close: () => void; done: Promise<void> } {
  const ac = new AbortController();
  let readyResolve!: () => void;
  let readyReject!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  const url = `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const done = (async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'text/event-stream', cookie }, signal: ac.signal });
      if (res.status !== 200 || !res.headers.get('content-type')?.includes('text/event-stream')) {
        throw new Error(`subscription ${procedure}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      readyResolve();
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) return;
        buf += value;
        let sep: number;
        while ((sep = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, sep);
          buf = buf.slice(sep + 2);
          const at = performance.now();
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
          if (data.length || id) onEvent({ id, event, data: data.join('\n'), at });
        }
      }
    } catch (e) {
      if (ac.signal.aborted) return;
      readyReject(e);
      throw e;
    }
  })();
  done.catch(() => {});
  return { ready, close: () => ac.abort(), done };
}
