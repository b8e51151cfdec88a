import type { IncomingMessage } from 'node:http';

/**
 * Which requests the join's lean path (server/api/join-route.ts) answers: `POST /api/trpc/relay.join`,
 * alone or with `?batch=1` (a batch of one). Kept apart so the custom server can test a request
 * without loading the services.
 */
export function isJoinRequest(req: Pick<IncomingMessage, 'method' | 'url'>): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  const q = req.url.indexOf('?');
  return (q < 0 ? req.url : req.url.slice(0, q)) === '/api/trpc/relay.join';
}
