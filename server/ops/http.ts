/**
 * What every API route handler gets from ops: a request id (taken from `x-request-id` when a proxy
 * or the custom server set a sane one, else new), echoed in the response header; a logged 500 with
 * that id for anything the handler throws; and, for live-update streams (text/event-stream), a
 * count of open streams and a clean end with a retry hint when the instance drains.
 */
import { randomBytes } from 'node:crypto';
import { isShuttingDown, onShutdown } from './lifecycle';
import { log } from './log';
import { countHttp5xx, sseClosed, sseOpened } from './metrics';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE_ID = /^[A-Za-z0-9._:-]{6,64}$/;

/** Short enough to read out over the phone: 10 lowercase hex characters. */
export function newRequestId(): string {
  return randomBytes(5).toString('hex');
}

export function requestIdFrom(headers: Headers | { get(name: string): string | null }): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && SANE_ID.test(given) ? given : newRequestId();
}

type Handler = (req: Request, requestId: string) => Promise<Response>;

/** Wraps a route handler: request id in and out, every thrown error logged and answered 500. */
export function withOps(route: string, handler: Handler): (req: Request) => Promise<Response> {
  return async (req) => {
    const requestId = requestIdFrom(req.headers);
    let res: Response;
    try {
      res = await handler(req, requestId);
    } catch (err) {
      log().error({ requestId, route, method: req.method, status: 500, err }, 'unhandled error');
      res = Response.json({ error: { code: 'INTERNAL', requestId } }, { status: 500 });
    }
    if (res.status >= 500 && route !== 'ready') countHttp5xx(route);
    const headers = new Headers(res.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    if (isShuttingDown()) headers.set('connection', 'close');
    const body = res.headers.get('content-type')?.includes('text/event-stream')
      ? trackStream(res.body)
      : res.body;
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  };
}

type Stream = { end: () => void };
type Holder = { linliStreams?: Set<Stream> };
const holder = globalThis as unknown as Holder;

function openStreams(): Set<Stream> {
  const streams = (holder.linliStreams ??= new Set<Stream>());
  onShutdown('live-streams', 10, () => {
    for (const s of [...streams]) s.end();
  });
  return streams;
}

/** How long a page waits before it reconnects after the server ended its stream (EventSource `retry`). */
const RETRY_MS = 1000;

/**
 * Passes an event stream through, counting it while open. When the instance drains it tells the
 * client to reconnect soon (`retry:`) and ends the stream; the page's EventSource then reconnects,
 * with its Last-Event-ID, to whichever instance the load balancer picks.
 */
function trackStream(source: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> | null {
  if (!source) return source;
  const reader = source.getReader();
  const streams = openStreams();
  const encoder = new TextEncoder();
  let closed = false;
  let self: Stream;
  const finish = () => {
    if (closed) return;
    closed = true;
    streams.delete(self);
    sseClosed();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      self = {
        end: () => {
          if (closed) return;
          try {
            controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n: instance restarting, reconnect\n\n`));
            controller.close();
          } catch {
            /* already closed */
          }
          finish();
          void reader.cancel().catch(() => {});
        },
      };
      streams.add(self);
      sseOpened();
      // A page that reconnects to a draining instance is sent on at once.
      if (isShuttingDown()) queueMicrotask(() => self.end());
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (closed) return;
        if (done) {
          controller.close();
          finish();
        } else controller.enqueue(value);
      } catch (err) {
        if (closed) return;
        finish();
        controller.error(err);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
