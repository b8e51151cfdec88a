/**
 * One log line and one metric per tRPC procedure call: request id, procedure, type, role(s),
 * compound, user id, duration and outcome code (OK, the service error's stable code, INVALID_INPUT,
 * or the tRPC code). Inputs are never logged. Unexpected errors (INTERNAL_SERVER_ERROR) are logged
 * with their error, once, whether they happen inside a procedure or before one (context creation,
 * a malformed request), see `logTrpcError`.
 */
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { isServiceError } from '@/server/services/shared/errors';
import { log } from './log';
import { countJoin, observeRequest, requestStarted } from './metrics';

/** What the tRPC context carries for ops; `roles` is filled in by the community middleware. */
export type Trace = { requestId: string; roles: string[] | null };

export function outcomeOf(error: TRPCError): string {
  const cause = error.cause;
  if (isServiceError(cause)) return cause.code;
  if (cause instanceof ZodError) return 'INVALID_INPUT';
  return error.code;
}

const logged = new WeakSet<object>();

export function logTrpcError(opts: {
  requestId: string;
  procedure: string | undefined;
  error: TRPCError;
}): void {
  const { error } = opts;
  if (error.code !== 'INTERNAL_SERVER_ERROR' || logged.has(error)) return;
  logged.add(error);
  log().error(
    { requestId: opts.requestId, procedure: opts.procedure ?? null, status: 500, err: error.cause ?? error },
    'internal error',
  );
}

type Call = {
  trace: Trace | undefined;
  userId: string | null;
  procedure: string;
  type: string;
  rawInput: () => Promise<unknown>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Wraps one procedure call (`next` is the rest of the chain). */
export async function observeCall<R extends { ok: boolean; error?: TRPCError }>(
  call: Call,
  next: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  const done = requestStarted();
  let result: R;
  try {
    result = await next();
  } finally {
    done();
  }
  const seconds = (performance.now() - started) / 1000;
  const outcome = result.ok || !result.error ? 'OK' : outcomeOf(result.error);
  observeRequest(call.procedure, outcome, seconds);
  if (call.procedure === 'relay.join') countJoin(outcome);
  let community: string | null = null;
  try {
    const raw = (await call.rawInput()) as { communityId?: unknown } | undefined;
    if (typeof raw?.communityId === 'string' && UUID.test(raw.communityId)) community = raw.communityId;
  } catch {
    /* unreadable input: nothing to add */
  }
  const requestId = call.trace?.requestId ?? null;
  const line = {
    requestId,
    procedure: call.procedure,
    type: call.type,
    role: call.trace?.roles?.join(',') ?? (call.userId ? 'signed-in' : 'anonymous'),
    compound: community,
    user: call.userId,
    ms: Math.round(seconds * 10_000) / 10,
    outcome,
  };
  if (!result.ok && result.error?.code === 'INTERNAL_SERVER_ERROR') {
    logTrpcError({ requestId: requestId ?? '-', procedure: call.procedure, error: result.error });
  }
  log().info(line, 'request');
  return result;
}
