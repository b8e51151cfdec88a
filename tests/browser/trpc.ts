/**
 * tRPC over HTTP with a phone's own session, for the journeys' set-up and checks (and the pages
 * bench): the same wire format the app's client sends (superjson's `{ json, meta }`).
 */
import type { APIRequestContext } from 'playwright-core';

/** A page or a browser context: anything that carries the session cookies. */
type WithSession = { request: APIRequestContext };

async function unwrap<T>(path: string, res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!res.ok() || !body.result) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

/**
 * A mutation. Date values are sent as superjson Dates; `dates` names further fields (ISO strings
 * already) that the procedure takes as Dates.
 */
export async function api<T>(
  who: WithSession,
  path: string,
  input: Record<string, unknown>,
  dates: string[] = [],
): Promise<T> {
  const asDate = new Set(dates);
  const json = Object.fromEntries(
    Object.entries(input).map(([k, v]) => {
      if (!(v instanceof Date)) return [k, v];
      asDate.add(k);
      return [k, v.toISOString()];
    }),
  );
  const meta = asDate.size
    ? { values: Object.fromEntries([...asDate].map((d) => [d, ['Date']])) }
    : undefined;
  const res = await who.request.post(`/api/trpc/${path}`, { data: { json, ...(meta ? { meta } : {}) } });
  return unwrap<T>(path, res);
}

/** A query. */
export async function apiQuery<T>(who: WithSession, path: string, input: unknown): Promise<T> {
  const q = encodeURIComponent(JSON.stringify({ json: input }));
  return unwrap<T>(path, await who.request.get(`/api/trpc/${path}?input=${q}`));
}
