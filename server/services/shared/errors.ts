/**
 * The service-error family. Services throw these with a stable machine code (`RELAY_SOLD_OUT`);
 * `server/api/trpc.ts` maps the kind to a tRPC code in one place and the UI translates the code.
 */
export type ServiceErrorKind =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  /** 422: well-formed, but contradicts what the same request said before (idempotency key reuse). */
  | 'UNPROCESSABLE_CONTENT'
  | 'TOO_MANY_REQUESTS'
  /** 503: a dependency (the database, Stripe, the SMS provider) is unreachable; the details carry a retry hint. */
  | 'SERVICE_UNAVAILABLE';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    /** Stable, upper snake case: the UI's translation key. */
    readonly code: string,
    message: string,
    /** The input field the error is about, when there is one. */
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

type Extra = { field?: string; details?: Record<string, unknown> };
const make =
  (kind: ServiceErrorKind) =>
  (code: string, message: string, extra: Extra = {}) =>
    new ServiceError(kind, code, message, extra.field, extra.details);

export const badRequest = make('BAD_REQUEST');
export const unauthorized = make('UNAUTHORIZED');
export const forbidden = make('FORBIDDEN');
export const notFound = make('NOT_FOUND');
export const conflict = make('CONFLICT');
export const preconditionFailed = make('PRECONDITION_FAILED');
export const unprocessable = make('UNPROCESSABLE_CONTENT');
export const tooManyRequests = make('TOO_MANY_REQUESTS');
export const serviceUnavailable = make('SERVICE_UNAVAILABLE');

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

/** PostgreSQL SQLSTATE of a driver error (postgres.js and PGlite both expose `code`), or undefined. */
export function pgErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_CHECK_VIOLATION = '23514';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK = '40P01';
