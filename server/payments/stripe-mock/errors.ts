/**
 * Stripe's error bodies (`{ error: { type, code, message, param, doc_url, … } }`) and the HTTP
 * status each maps to, so the SDK raises the same error classes it raises against Stripe:
 * 400/404 → StripeInvalidRequestError (or StripeIdempotencyError), 401 → StripeAuthenticationError,
 * 402 → StripeCardError.
 */
import type Stripe from 'stripe';

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export type StripeErrorBody = {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  advice_code?: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: Stripe.PaymentIntent;
  payment_method?: Stripe.PaymentMethod;
};

const DOCS = 'https://stripe.com/docs/error-codes';

export class MockError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    /**
     * Stripe saves the result of an idempotent request only once the endpoint started executing:
     * a request refused while its parameters were being validated can be retried with the same key.
     */
    readonly executed = false,
  ) {
    super(body.message);
  }
}

function docUrl(code: string): string {
  return `${DOCS}/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(message: string, opts: { code?: string; param?: string } = {}): MockError {
  return new MockError(400, {
    type: 'invalid_request_error',
    message,
    ...(opts.code ? { code: opts.code, doc_url: docUrl(opts.code) } : {}),
    ...(opts.param ? { param: opts.param } : {}),
  });
}

export function resourceMissing(kind: string, id: string, param: string): MockError {
  return new MockError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    doc_url: docUrl('resource_missing'),
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export function unknownRoute(method: string, path: string): MockError {
  return new MockError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function unauthorized(message: string): MockError {
  return new MockError(401, { type: 'invalid_request_error', message });
}

export function idempotencyError(message: string): MockError {
  return new MockError(400, { type: 'idempotency_error', message });
}

/** An error raised after the endpoint started work: saved for idempotent replay, like Stripe. */
export function executedError(status: number, body: StripeErrorBody): MockError {
  return new MockError(status, body, true);
}

export { docUrl };
