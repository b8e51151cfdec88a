/**
 * The mock's state and the endpoints' behaviour, without HTTP: PaymentIntents (create, retrieve,
 * confirm, cancel), Refunds (create, retrieve) and Charges (retrieve, for `latest_charge`).
 *
 * State machine of a PaymentIntent (card, automatic capture — what Linli uses):
 *   requires_payment_method ──(payment_method set)──▶ requires_confirmation
 *   requires_payment_method | requires_confirmation ──confirm──▶ succeeded
 *                                                   └─(declined)─▶ requires_payment_method
 *                                                                  + last_payment_error, 402
 *   any but succeeded/canceled ──cancel──▶ canceled
 * Refunds: any number of partial refunds up to the charge's amount, then `charge_already_refunded`.
 */
import type Stripe from 'stripe';
import { executedError, invalidRequest, resourceMissing, type StripeErrorBody } from './errors';
import type { FormObject } from './form';
import {
  buildCharge,
  buildEvent,
  buildPaymentIntent,
  buildPaymentMethod,
  buildRefund,
  nowSeconds,
  TEST_CARDS,
  type TestCard,
} from './objects';
import { Params } from './params';
import {
  buildWalletCharge,
  buildWalletPaymentMethod,
  isWallet,
  walletNextAction,
  type Wallet,
} from './wallets';

const SUPPORTED_TYPES = ['card', 'wechat_pay', 'alipay'];

/** Stripe's maximum for a single amount (8 digits in the smallest unit). */
const MAX_AMOUNT = 99_999_999;

export type RequestInfo = { requestId: string; idempotencyKey: string | null };
export type ApiResult = { status: number; body: unknown };
export type EmitEvent = (event: {
  type: Stripe.Event['type'];
  object: Stripe.PaymentIntent | Stripe.Charge | Stripe.Refund;
  previousAttributes?: Record<string, unknown>;
  request: RequestInfo;
}) => void;

const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;
const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
const CANCELABLE: Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
const CONFIRMABLE: Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
];

type Expandable = Record<string, (id: string) => unknown>;

const PI_EXPANDABLE = ['latest_charge', 'payment_method'] as const;
const CHARGE_EXPANDABLE = ['payment_intent', 'payment_method'] as const;
const REFUND_EXPANDABLE = ['charge', 'payment_intent'] as const;

/** Reads `expand` and refuses what cannot be expanded before the endpoint does anything. */
/** `amount` and `currency` of a new PaymentIntent. */
function readAmount(p: Params) {
  const amount = p.integer('amount', { required: true, min: 1 }) as number;
  const currencyRaw = p.string('currency', { required: true }) as string;
  const currency = currencyRaw.toLowerCase();
  if (!/^[a-z]{3}$/.test(currency))
    throw invalidRequest(`Invalid currency: ${currencyRaw}.`, { param: 'currency' });
  if (amount > MAX_AMOUNT) {
    throw invalidRequest(`Amount must be no more than ${formatMoney(MAX_AMOUNT, currency)}`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  return { amount, currency };
}

/** The descriptive and capture parameters of a new PaymentIntent (manual capture is refused). */
function readIntentDetails(p: Params) {
  const description = p.string('description', { max: 1000 });
  const metadata = p.metadata() ?? {};
  const receiptEmail = p.string('receipt_email');
  const statementDescriptor = p.string('statement_descriptor', { max: 22 });
  const statementDescriptorSuffix = p.string('statement_descriptor_suffix', { max: 22 });
  const transferGroup = p.string('transfer_group');
  const customer = p.string('customer');
  const setupFutureUsage = p.enumValue('setup_future_usage', ['off_session', 'on_session'] as const);
  const captureMethod =
    p.enumValue('capture_method', ['automatic', 'automatic_async', 'manual'] as const) ?? 'automatic_async';
  if (captureMethod === 'manual') {
    throw invalidRequest(
      'The local Stripe mock does not implement manual capture (capture_method=manual); Linli captures automatically.',
      {
        param: 'capture_method',
      },
    );
  }
  const confirmationMethod =
    p.enumValue('confirmation_method', ['automatic', 'manual'] as const) ?? 'automatic';
  return {
    description,
    metadata,
    receiptEmail,
    statementDescriptor,
    statementDescriptorSuffix,
    transferGroup,
    customer,
    setupFutureUsage,
    captureMethod,
    confirmationMethod,
  };
}

/**
 * Which payment methods the intent takes: `automatic_payment_methods`, `payment_method_types` or
 * `allowed_payment_method_types` (one of them), automatic when none is given.
 */
function readPaymentMethodTypes(p: Params) {
  const apmParams = p.hash('automatic_payment_methods');
  let automatic: Stripe.PaymentIntent.AutomaticPaymentMethods | null = null;
  if (apmParams) {
    const enabled = apmParams.boolean('enabled');
    if (enabled === null)
      throw invalidRequest('Missing required param: automatic_payment_methods[enabled].', {
        code: 'parameter_missing',
        param: 'automatic_payment_methods[enabled]',
      });
    const allowRedirects = apmParams.enumValue('allow_redirects', ['always', 'never'] as const);
    apmParams.rejectUnknown();
    automatic = enabled
      ? {
          enabled,
          ...(allowRedirects ? { allow_redirects: allowRedirects } : { allow_redirects: 'always' as const }),
        }
      : null;
  }
  // The SDK's types dropped it, but the API still takes it; accepted so older callers work.
  const pmTypes = p.stringArray('payment_method_types');
  if (pmTypes && apmParams) {
    throw invalidRequest(
      'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
      {
        code: 'parameters_exclusive',
        param: 'automatic_payment_methods',
      },
    );
  }
  const allowedTypes = p.stringArray('allowed_payment_method_types');
  if (allowedTypes && (pmTypes || apmParams)) {
    throw invalidRequest(
      'You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods, payment_method_types.',
      { code: 'parameters_exclusive', param: 'allowed_payment_method_types' },
    );
  }
  const types = allowedTypes ?? pmTypes;
  const unsupported = types?.find((t) => !SUPPORTED_TYPES.includes(t));
  if (unsupported) {
    throw invalidRequest(
      `The local Stripe mock implements card, wechat_pay and alipay; got payment method type ${unsupported}.`,
      { param: allowedTypes ? 'allowed_payment_method_types' : 'payment_method_types' },
    );
  }
  // Since API version 2023-08-16 Stripe enables automatic payment methods unless told otherwise.
  if (!types && !apmParams) automatic = { enabled: true, allow_redirects: 'always' };
  return { automatic, types, allowedTypes };
}

type Confirmation = {
  paymentMethodRef: string | null;
  confirm: boolean;
  returnUrl: string | null;
  offSession: string | null;
  expand: string[] | null;
};

/** The confirm-at-create parameters, the last ones read: anything else left is unknown. */
function readConfirmation(p: Params): Confirmation {
  const paymentMethodRef = p.string('payment_method');
  const confirm = p.boolean('confirm') ?? false;
  const returnUrl = p.string('return_url');
  const offSession = p.string('off_session');
  const expand = expandParam(p, PI_EXPANDABLE);
  p.string('error_on_requires_action');
  p.rejectUnknown();
  return { paymentMethodRef, confirm, returnUrl, offSession, expand };
}

function expandParam(p: Params, allowed: readonly string[]): string[] | null {
  const expand = p.stringArray('expand');
  for (const path of expand ?? []) {
    if (!allowed.includes(path))
      throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
  }
  return expand;
}

function formatMoney(amount: number, currency: string): string {
  const symbol: Record<string, string> = { cny: '¥', usd: '$', eur: '€', gbp: '£', hkd: 'HK$', jpy: '¥' };
  const zeroDecimal = currency === 'jpy' || currency === 'krw';
  const value = zeroDecimal ? String(amount) : (amount / 100).toFixed(2);
  return `${symbol[currency] ?? `${currency.toUpperCase()} `}${value}`;
}

export type EngineState = {
  paymentIntents: Stripe.PaymentIntent[];
  charges: Stripe.Charge[];
  refunds: Stripe.Refund[];
  paymentMethods: Stripe.PaymentMethod[];
  cardOf: [string, TestCard][];
  returnUrls: [string, string][];
};

export class StripeEngine {
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
  private readonly cardOf = new Map<string, TestCard>();
  /** The mock's own URL: wallet next actions point at its test-mode page. Set by the server. */
  baseUrl = 'http://127.0.0.1:12111';
  /** Where the test-mode page sends the payer after a wallet authorization (the confirm's return_url). */
  readonly returnUrls = new Map<string, string>();

  constructor(private readonly emit: EmitEvent) {}

  /** Every object, as JSON-able data (the state file of a mock that outlives restarts). */
  snapshot(): EngineState {
    return {
      paymentIntents: [...this.paymentIntents.values()],
      charges: [...this.charges.values()],
      refunds: [...this.refunds.values()],
      paymentMethods: [...this.paymentMethods.values()],
      cardOf: [...this.cardOf.entries()],
      returnUrls: [...this.returnUrls.entries()],
    };
  }

  /** Loads a snapshot taken by `snapshot()` (objects keep their ids and states). */
  restore(state: Partial<EngineState>): void {
    for (const o of state.paymentIntents ?? []) this.paymentIntents.set(o.id, o);
    for (const o of state.charges ?? []) this.charges.set(o.id, o);
    for (const o of state.refunds ?? []) this.refunds.set(o.id, o);
    for (const o of state.paymentMethods ?? []) this.paymentMethods.set(o.id, o);
    for (const [k, v] of state.cardOf ?? []) this.cardOf.set(k, v);
    for (const [k, v] of state.returnUrls ?? []) this.returnUrls.set(k, v);
  }

  reset(): void {
    this.paymentIntents.clear();
    this.charges.clear();
    this.refunds.clear();
    this.paymentMethods.clear();
    this.cardOf.clear();
    this.returnUrls.clear();
  }

  // ── expansion ──────────────────────────────────────────────────────────────

  private render<T extends object>(object: T, expand: string[] | null, expandable: Expandable): T {
    const out = structuredClone(object) as Record<string, unknown>;
    for (const path of expand ?? []) {
      const resolve = Object.hasOwn(expandable, path) ? expandable[path] : undefined;
      if (!resolve) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
      const id = out[path];
      if (typeof id === 'string') out[path] = resolve(id);
    }
    return out as T;
  }

  private renderPi(pi: Stripe.PaymentIntent, expand: string[] | null): Stripe.PaymentIntent {
    return this.render(pi, expand, {
      latest_charge: (id) => structuredClone(this.charges.get(id)),
      payment_method: (id) => structuredClone(this.paymentMethods.get(id)),
    });
  }

  private renderRefund(refund: Stripe.Refund, expand: string[] | null): Stripe.Refund {
    return this.render(refund, expand, {
      charge: (id) => structuredClone(this.charges.get(id)),
      payment_intent: (id) => structuredClone(this.paymentIntents.get(id)),
    });
  }

  private renderCharge(charge: Stripe.Charge, expand: string[] | null): Stripe.Charge {
    return this.render(charge, expand, {
      payment_intent: (id) => structuredClone(this.paymentIntents.get(id)),
      payment_method: (id) => structuredClone(this.paymentMethods.get(id)),
    });
  }

  // ── lookups ────────────────────────────────────────────────────────────────

  private pi(id: string, param = 'intent'): Stripe.PaymentIntent {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw resourceMissing('payment_intent', id, param);
    return pi;
  }

  /** A test token (`pm_card_visa`) mints a new PaymentMethod; a `pm_…` minted earlier is reused. */
  private resolvePaymentMethod(ref: string): Stripe.PaymentMethod {
    const existing = this.paymentMethods.get(ref);
    if (existing) return existing;
    const card = Object.hasOwn(TEST_CARDS, ref) ? TEST_CARDS[ref] : undefined;
    if (!card) throw resourceMissing('PaymentMethod', ref, 'payment_method');
    const pm = buildPaymentMethod(card);
    this.paymentMethods.set(pm.id, pm);
    this.cardOf.set(pm.id, card);
    return pm;
  }

  // ── PaymentIntents ─────────────────────────────────────────────────────────

  createPaymentIntent(form: FormObject, req: RequestInfo): ApiResult {
    // Parameters are read in Stripe's order: the first one wrong is the one reported.
    const p = new Params(form);
    const { amount, currency } = readAmount(p);
    const details = readIntentDetails(p);
    const { automatic, types, allowedTypes } = readPaymentMethodTypes(p);
    const pmData = this.paymentMethodData(p, types ?? ['card']);
    const wechatClient = this.wechatClient(p);
    const c = readConfirmation(p);
    this.requireConfirmable(c, automatic, pmData);
    const pm = pmData ?? (c.paymentMethodRef ? this.resolvePaymentMethod(c.paymentMethodRef) : null);
    const pi = buildPaymentIntent({
      amount,
      currency,
      ...details,
      automaticPaymentMethods: automatic,
      paymentMethodTypes: types ?? ['card'],
      allowedPaymentMethodTypes: allowedTypes,
      wechatClient,
    });
    if (pm) {
      pi.payment_method = pm.id;
      pi.status = 'requires_confirmation';
    }
    this.paymentIntents.set(pi.id, pi);
    this.emit({ type: 'payment_intent.created', object: pi, request: req });
    if (c.confirm && pm) return this.runConfirmation(pi, pm, c.expand, req, c.returnUrl);
    return { status: 200, body: this.renderPi(pi, c.expand) };
  }

  /** `confirm=true` at create needs a payment method, and a return_url where a redirect may follow. */
  private requireConfirmable(
    c: Confirmation,
    automatic: Stripe.PaymentIntent.AutomaticPaymentMethods | null,
    pmData: Stripe.PaymentMethod | null,
  ) {
    if (c.returnUrl && !c.confirm)
      throw invalidRequest('You can only specify return_url when confirm=true.', { param: 'return_url' });
    if (c.offSession && !c.confirm)
      throw invalidRequest('You can only specify off_session when confirm=true.', { param: 'off_session' });
    if (c.confirm && !c.paymentMethodRef && !pmData) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass payment_method (for example pm_card_visa).",
        { code: 'payment_intent_unexpected_state', param: 'payment_method' },
      );
    }
    if (c.confirm) this.requireReturnUrl(automatic, c.returnUrl);
    if (c.confirm && pmData?.type === 'alipay' && !c.returnUrl) {
      throw invalidRequest('A return_url is required to confirm an Alipay PaymentIntent.', {
        param: 'return_url',
      });
    }
  }

  /** `payment_method_data[type]=wechat_pay|alipay`: mints a wallet PaymentMethod (cards come as tokens). */
  private paymentMethodData(p: Params, types: string[]): Stripe.PaymentMethod | null {
    const data = p.hash('payment_method_data');
    if (!data) return null;
    const type = data.string('type', { required: true }) as string;
    data.rejectUnknown();
    if (!isWallet(type)) {
      throw invalidRequest(`The local Stripe mock takes payment_method_data only for wallets, not ${type}.`, {
        param: 'payment_method_data[type]',
      });
    }
    if (!types.includes(type)) {
      throw invalidRequest(
        `The payment method type provided: ${type} is invalid. This payment_intent's allowed types are: ${types.join(', ')}.`,
        { code: 'payment_intent_invalid_parameter', param: 'payment_method_data[type]' },
      );
    }
    const pm = buildWalletPaymentMethod(type);
    this.paymentMethods.set(pm.id, pm);
    return pm;
  }

  /** `payment_method_options[wechat_pay][client]` (web | android | ios); other options are accepted as given. */
  private wechatClient(p: Params): 'web' | 'android' | 'ios' | null {
    const options = p.hash('payment_method_options');
    if (!options) return null;
    const wechat = options.hash('wechat_pay');
    const client = wechat?.enumValue('client', ['web', 'android', 'ios'] as const) ?? null;
    wechat?.string('app_id');
    wechat?.rejectUnknown();
    options.hash('card');
    options.hash('alipay');
    options.rejectUnknown();
    return client;
  }

  /**
   * Test mode's "authorize" / "fail" for a wallet intent waiting on the payer (the mock's page
   * and `mock.authorize(id)` / `mock.fail(id)` both land here). Emits the events Stripe would.
   */
  completeWallet(id: string, outcome: 'authorize' | 'fail', req: RequestInfo): Stripe.PaymentIntent {
    const pi = this.pi(id);
    const pm = typeof pi.payment_method === 'string' ? this.paymentMethods.get(pi.payment_method) : undefined;
    if (pi.status !== 'requires_action' || !pm || !isWallet(pm.type)) {
      throw invalidRequest(
        `This PaymentIntent (${id}) is not waiting for a wallet authorization (status ${pi.status}).`,
        { code: 'payment_intent_unexpected_state' },
      );
    }
    const failed = outcome === 'fail';
    const charge = buildWalletCharge(pi, pm, failed);
    this.charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    pi.next_action = null;
    if (failed) {
      pi.status = 'requires_payment_method';
      pi.payment_method = null;
      pi.last_payment_error = {
        code: 'payment_intent_payment_attempt_failed',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-payment-attempt-failed',
        message: 'The customer did not authorize the payment.',
        payment_method: structuredClone(pm),
        type: 'invalid_request_error',
      };
      this.emit({ type: 'charge.failed', object: charge, request: req });
      this.emit({ type: 'payment_intent.payment_failed', object: pi, request: req });
    } else {
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      pi.last_payment_error = null;
      this.emit({ type: 'charge.succeeded', object: charge, request: req });
      this.emit({ type: 'payment_intent.succeeded', object: pi, request: req });
    }
    return structuredClone(pi);
  }

  private startWallet(
    pi: Stripe.PaymentIntent,
    pm: Stripe.PaymentMethod,
    expand: string[] | null,
    req: RequestInfo,
    returnUrl: string | null,
  ): ApiResult {
    pi.payment_method = pm.id;
    pi.status = 'requires_action';
    pi.last_payment_error = null;
    pi.next_action = walletNextAction(pm.type as Wallet, this.baseUrl, pi, returnUrl);
    if (returnUrl) this.returnUrls.set(pi.id, returnUrl);
    this.emit({ type: 'payment_intent.requires_action', object: pi, request: req });
    return { status: 200, body: this.renderPi(pi, expand) };
  }

  retrievePaymentIntent(id: string, form: FormObject): ApiResult {
    const p = new Params(form);
    const expand = expandParam(p, PI_EXPANDABLE);
    p.string('client_secret');
    p.rejectUnknown();
    return { status: 200, body: this.renderPi(this.pi(id), expand) };
  }

  confirmPaymentIntent(id: string, form: FormObject, req: RequestInfo): ApiResult {
    const pi = this.pi(id);
    const p = new Params(form);
    const paymentMethodRef = p.string('payment_method');
    const pmData = this.paymentMethodData(p, pi.payment_method_types);
    this.wechatClient(p);
    const returnUrl = p.string('return_url');
    const receiptEmail = p.string('receipt_email');
    const expand = expandParam(p, PI_EXPANDABLE);
    p.string('off_session');
    p.string('error_on_requires_action');
    p.enumValue('setup_future_usage', ['off_session', 'on_session'] as const);
    p.rejectUnknown();
    if (!CONFIRMABLE.includes(pi.status)) {
      const message =
        pi.status === 'succeeded'
          ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
          : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: ${CONFIRMABLE.join(', ')}.`;
      throw executedError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-unexpected-state',
        message,
        payment_intent: this.renderPi(pi, null),
      });
    }
    const ref =
      pmData?.id ?? paymentMethodRef ?? (typeof pi.payment_method === 'string' ? pi.payment_method : null);
    if (!ref) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
        { code: 'payment_intent_unexpected_state' },
      );
    }
    this.requireReturnUrl(pi.automatic_payment_methods, returnUrl);
    const pm = this.resolvePaymentMethod(ref);
    if (receiptEmail) pi.receipt_email = receiptEmail;
    return this.runConfirmation(pi, pm, expand, req, returnUrl);
  }

  /**
   * Stripe refuses a server-side confirm that might need a redirect unless it knows where to send
   * the customer back: the app must pass return_url, or create the intent with
   * automatic_payment_methods[allow_redirects]=never.
   */
  private requireReturnUrl(
    apm: Stripe.PaymentIntent.AutomaticPaymentMethods | null,
    returnUrl: string | null,
  ) {
    if (apm?.enabled && apm.allow_redirects !== 'never' && !returnUrl) {
      throw invalidRequest(
        'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents. If you do want to accept redirect-based payment methods, set the `return_url` parameter when confirming the Intent.',
        { param: 'return_url' },
      );
    }
  }

  private runConfirmation(
    pi: Stripe.PaymentIntent,
    pm: Stripe.PaymentMethod,
    expand: string[] | null,
    req: RequestInfo,
    returnUrl: string | null = null,
  ): ApiResult {
    if (!pi.payment_method_types.includes(pm.type)) {
      throw invalidRequest(
        `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Allowed types: ${pi.payment_method_types.join(', ')}.`,
        { code: 'payment_intent_incompatible_payment_method', param: 'payment_method' },
      );
    }
    if (isWallet(pm.type)) return this.startWallet(pi, pm, expand, req, returnUrl);
    const card = this.cardOf.get(pm.id) as TestCard;
    const charge = buildCharge({ pi, pm, card, receiptEmail: pi.receipt_email });
    this.charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    if (card.decline) {
      pi.status = 'requires_payment_method';
      pi.payment_method = null;
      pi.last_payment_error = {
        ...(card.decline.advice_code ? { advice_code: card.decline.advice_code } : {}),
        charge: charge.id,
        code: card.decline.code,
        decline_code: card.decline.decline_code,
        doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
        message: card.decline.message,
        payment_method: structuredClone(pm),
        type: 'card_error',
      };
      this.emit({ type: 'charge.failed', object: charge, request: req });
      this.emit({ type: 'payment_intent.payment_failed', object: pi, request: req });
      const body: StripeErrorBody = {
        type: 'card_error',
        ...(card.decline.advice_code ? { advice_code: card.decline.advice_code } : {}),
        charge: charge.id,
        code: card.decline.code,
        decline_code: card.decline.decline_code,
        doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
        message: card.decline.message,
        payment_intent: this.renderPi(pi, null),
        payment_method: structuredClone(pm),
        request_log_url: `https://dashboard.stripe.com/test/logs/${req.requestId}?t=${nowSeconds()}`,
      };
      throw executedError(402, body);
    }
    pi.status = 'succeeded';
    pi.payment_method = pm.id;
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    this.emit({ type: 'charge.succeeded', object: charge, request: req });
    this.emit({ type: 'payment_intent.succeeded', object: pi, request: req });
    return { status: 200, body: this.renderPi(pi, expand) };
  }

  cancelPaymentIntent(id: string, form: FormObject, req: RequestInfo): ApiResult {
    const pi = this.pi(id);
    const p = new Params(form);
    const reason = p.enumValue('cancellation_reason', CANCELLATION_REASONS);
    const expand = expandParam(p, PI_EXPANDABLE);
    p.rejectUnknown();
    if (!CANCELABLE.includes(pi.status)) {
      throw executedError(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-unexpected-state',
        message: `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
        payment_intent: this.renderPi(pi, null),
      });
    }
    pi.status = 'canceled';
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = reason;
    this.emit({ type: 'payment_intent.canceled', object: pi, request: req });
    return { status: 200, body: this.renderPi(pi, expand) };
  }

  // ── Charges ────────────────────────────────────────────────────────────────

  retrieveCharge(id: string, form: FormObject): ApiResult {
    const p = new Params(form);
    const expand = expandParam(p, CHARGE_EXPANDABLE);
    p.rejectUnknown();
    const charge = this.charges.get(id);
    if (!charge) throw resourceMissing('charge', id, 'id');
    return { status: 200, body: this.renderCharge(charge, expand) };
  }

  // ── Refunds ────────────────────────────────────────────────────────────────

  createRefund(form: FormObject, req: RequestInfo): ApiResult {
    const p = new Params(form);
    const piId = p.string('payment_intent');
    const chargeId = p.string('charge');
    const amountParam = p.integer('amount', { min: 1 });
    const reason = p.enumValue('reason', REFUND_REASONS);
    const metadata = p.metadata() ?? {};
    const expand = expandParam(p, REFUND_EXPANDABLE);
    p.rejectUnknown();
    if (!piId && !chargeId) {
      throw invalidRequest(
        'One of the following params should be provided for this request: charge or payment_intent.',
        {
          code: 'parameter_missing',
          param: 'charge',
        },
      );
    }
    let charge: Stripe.Charge | undefined;
    if (chargeId) {
      charge = this.charges.get(chargeId);
      if (!charge) throw resourceMissing('charge', chargeId, 'charge');
      if (piId && charge.payment_intent !== piId) {
        throw invalidRequest(`The charge ${chargeId} does not belong to PaymentIntent ${piId}.`, {
          param: 'payment_intent',
        });
      }
    } else if (piId) {
      const pi = this.pi(piId, 'payment_intent');
      const latest = typeof pi.latest_charge === 'string' ? this.charges.get(pi.latest_charge) : undefined;
      if (pi.status !== 'succeeded' || !latest || latest.status !== 'succeeded') {
        throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, {
          code: 'charge_not_refundable',
          param: 'payment_intent',
        });
      }
      charge = latest;
    }
    if (!charge) throw resourceMissing('charge', chargeId ?? '', 'charge');
    if (charge.status !== 'succeeded') {
      throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, {
        code: 'charge_not_refundable',
        param: 'charge',
      });
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) {
      throw executedError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        doc_url: 'https://stripe.com/docs/error-codes/charge-already-refunded',
        message: `Charge ${charge.id} has already been refunded.`,
        charge: charge.id,
      });
    }
    const amount = amountParam ?? remaining;
    if (amount > remaining) {
      throw executedError(400, {
        type: 'invalid_request_error',
        code: 'amount_too_large',
        doc_url: 'https://stripe.com/docs/error-codes/amount-too-large',
        message: `Refund amount (${formatMoney(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatMoney(remaining, charge.currency)})`,
        param: 'amount',
        charge: charge.id,
      });
    }
    const refund = buildRefund({ charge, amount, reason, metadata });
    this.refunds.set(refund.id, refund);
    const previous = {
      amount_refunded: charge.amount_refunded,
      refunded: charge.refunded,
      refunds: structuredClone(charge.refunds),
    };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    if (charge.refunds) {
      charge.refunds.data = [structuredClone(refund), ...charge.refunds.data];
    }
    this.emit({ type: 'refund.created', object: refund, request: req });
    this.emit({ type: 'charge.refunded', object: charge, previousAttributes: previous, request: req });
    return { status: 200, body: this.renderRefund(refund, expand) };
  }

  retrieveRefund(id: string, form: FormObject): ApiResult {
    const p = new Params(form);
    const expand = expandParam(p, REFUND_EXPANDABLE);
    p.rejectUnknown();
    const refund = this.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id, 'id');
    return { status: 200, body: this.renderRefund(refund, expand) };
  }
}

export { buildEvent };
