/**
 * Builders for the objects the mock returns, typed by the SDK's own types so a field Stripe
 * renamed or added shows up as a type error here. Field values follow what Stripe returns in test
 * mode for a card payment (checked against Stripe's fixtures by the conformance test).
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe-looking ids: prefix + 24 base62 characters (`pi_3Pgafy…`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE62[b % 62];
  return `${prefix}_${out}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** How a test card behaves when a payment is confirmed with it. */
export type TestCard = {
  brand: 'visa' | 'mastercard' | 'unionpay';
  last4: string;
  country: string;
  funding: 'credit' | 'debit';
  decline?: { code: string; decline_code: string; message: string; advice_code?: string };
};

const declined = (decline_code: string, message: string, code = 'card_declined', advice_code?: string) => ({
  code,
  decline_code,
  message,
  ...(advice_code ? { advice_code } : {}),
});

/**
 * Stripe's test PaymentMethod tokens (docs: "Testing"). Each use mints a new `pm_…`, as on Stripe.
 * UnionPay is here because it is the card most residents of a Chinese compound actually hold.
 */
export const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { brand: 'visa', last4: '4242', country: 'US', funding: 'credit' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', country: 'US', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', country: 'US', funding: 'credit' },
  pm_card_unionpay: { brand: 'unionpay', last4: '0005', country: 'CN', funding: 'debit' },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    country: 'US',
    funding: 'credit',
    decline: declined('generic_decline', 'Your card was declined.'),
  },
  pm_card_visa_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    country: 'US',
    funding: 'credit',
    decline: declined('generic_decline', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    country: 'US',
    funding: 'credit',
    decline: declined(
      'insufficient_funds',
      'Your card has insufficient funds.',
      'card_declined',
      'try_again_later',
    ),
  },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    country: 'US',
    funding: 'credit',
    decline: declined(
      'insufficient_funds',
      'Your card has insufficient funds.',
      'card_declined',
      'try_again_later',
    ),
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa',
    last4: '0069',
    country: 'US',
    funding: 'credit',
    decline: declined('expired_card', 'Your card has expired.', 'expired_card'),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    brand: 'visa',
    last4: '0127',
    country: 'US',
    funding: 'credit',
    decline: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'),
  },
  pm_card_chargeDeclinedProcessingError: {
    brand: 'visa',
    last4: '0119',
    country: 'US',
    funding: 'credit',
    decline: declined(
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
      'processing_error',
    ),
  },
};

function fingerprint(card: TestCard): string {
  // Stable per card number, like Stripe's: the same test card always has the same fingerprint.
  let h = 0;
  for (const ch of `${card.brand}${card.last4}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += BASE62[h % 62];
    h = Math.floor(h / 62) + (i + 1) * 7919;
  }
  return out;
}

const EXP_MONTH = 12;
function expYear(): number {
  return new Date().getUTCFullYear() + 5;
}

const emptyAddress = (): Stripe.Address => ({
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
});

export function buildPaymentMethod(card: TestCard): Stripe.PaymentMethod {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: emptyAddress(), email: null, name: null, phone: null, tax_id: null },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: null },
      country: card.country,
      display_brand: card.brand,
      exp_month: EXP_MONTH,
      exp_year: expYear(),
      fingerprint: fingerprint(card),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

export function buildPaymentIntent(input: {
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  receiptEmail: string | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null;
  paymentMethodTypes: string[];
  allowedPaymentMethodTypes?: string[] | null;
  wechatClient?: 'web' | 'android' | 'ios' | null;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  confirmationMethod: Stripe.PaymentIntent.ConfirmationMethod;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  transferGroup: string | null;
  customer: string | null;
}): Stripe.PaymentIntent {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types:
      (input.allowedPaymentMethodTypes as Stripe.PaymentIntent.AllowedPaymentMethodType[] | null) ?? null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: input.automaticPaymentMethods,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: `${id}_secret_${newId('x', 25).slice(2)}`,
    confirmation_method: input.confirmationMethod,
    created: nowSeconds(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: input.automaticPaymentMethods?.enabled
      ? { id: newId('pmc'), parent: null }
      : null,
    payment_method_options: {
      ...(input.paymentMethodTypes.includes('card')
        ? {
            card: {
              installments: null,
              mandate_options: null,
              network: null,
              request_three_d_secure: 'automatic' as const,
            },
          }
        : {}),
      ...(input.paymentMethodTypes.includes('wechat_pay')
        ? { wechat_pay: { app_id: null, client: input.wechatClient ?? null } }
        : {}),
      ...(input.paymentMethodTypes.includes('alipay') ? { alipay: {} } : {}),
    },
    payment_method_types: input.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: input.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: input.statementDescriptor,
    statement_descriptor_suffix: input.statementDescriptorSuffix,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: input.transferGroup,
  };
}

export function buildCharge(input: {
  pi: Stripe.PaymentIntent;
  pm: Stripe.PaymentMethod;
  card: TestCard;
  receiptEmail: string | null;
}): Stripe.Charge {
  const { pi, pm, card } = input;
  const id = newId('ch');
  const failed = card.decline;
  const pmCard = pm.card as Stripe.PaymentMethod.Card;
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: failed ? 0 : pi.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: failed ? null : newId('txn'),
    billing_details: { address: emptyAddress(), email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: (pi.statement_descriptor ?? 'LINLI').toUpperCase().slice(0, 22),
    captured: !failed,
    created: nowSeconds(),
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? failed.code : null,
    failure_message: failed ? failed.message : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: chargeOutcome(failed),
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: { card: cardDetails(pi, pmCard, card), type: 'card' },
    receipt_email: input.receiptEmail,
    receipt_number: null,
    receipt_url: failed ? null : `https://pay.stripe.com/receipts/payment/${newId('x', 40).slice(2)}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: failed ? 'failed' : 'succeeded',
    transfer_data: null,
    transfer_group: pi.transfer_group,
  };
}

/** Stripe's risk outcome of a card charge: authorized, or declined by the issuer. */
function chargeOutcome(failed: TestCard['decline']): Stripe.Charge.Outcome {
  return failed
    ? {
        advice_code: failed.advice_code ?? null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: 'declined_by_network',
        reason: failed.decline_code,
        risk_level: 'normal',
        risk_score: 30,
        seller_message: 'The bank did not return any further details with this decline.',
        type: 'issuer_declined',
      }
    : {
        advice_code: null,
        network_advice_code: null,
        network_decline_code: null,
        network_status: 'approved_by_network',
        reason: null,
        risk_level: 'normal',
        risk_score: 20,
        seller_message: 'Payment complete.',
        type: 'authorized',
      };
}

/** The card part of a charge's payment_method_details. */
function cardDetails(
  pi: Stripe.PaymentIntent,
  pmCard: Stripe.PaymentMethod.Card,
  card: TestCard,
): Stripe.Charge.PaymentMethodDetails.Card {
  const failed = card.decline;
  return {
    amount_authorized: failed ? null : pi.amount,
    authorization_code: failed ? null : String(100000 + Math.floor(Math.random() * 900000)),
    brand: card.brand,
    checks: {
      address_line1_check: null,
      address_postal_code_check: null,
      cvc_check: failed ? null : 'pass',
    },
    country: card.country,
    electronic_commerce_indicator: null,
    exp_month: pmCard.exp_month,
    exp_year: pmCard.exp_year,
    extended_authorization: { status: 'disabled' },
    fingerprint: pmCard.fingerprint ?? null,
    funding: card.funding,
    incremental_authorization: { status: 'unavailable' },
    installments: null,
    last4: card.last4,
    mandate: null,
    multicapture: { status: 'unavailable' },
    network: card.brand,
    network_token: { used: false },
    network_transaction_id: failed ? null : newId('', 15).slice(1),
    overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
    regulated_status: 'unregulated',
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
}

export function buildRefund(input: {
  charge: Stripe.Charge;
  amount: number;
  reason: Stripe.Refund.Reason | null;
  metadata: Record<string, string>;
}): Stripe.Refund {
  const { charge } = input;
  return {
    id: newId('re'),
    object: 'refund',
    amount: input.amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: nowSeconds(),
    currency: charge.currency,
    customer: typeof charge.customer === 'string' ? charge.customer : null,
    customer_account: null,
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: input.metadata,
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: typeof charge.payment_method === 'string' ? charge.payment_method : null,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

export function buildEvent<T extends Stripe.Event['type']>(input: {
  type: T;
  object: Stripe.PaymentIntent | Stripe.Charge | Stripe.Refund;
  previousAttributes?: Record<string, unknown>;
  request: { id: string | null; idempotency_key: string | null };
  pendingWebhooks: number;
  apiVersion: string;
}): Stripe.Event {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: input.apiVersion,
    created: nowSeconds(),
    data: {
      object: structuredClone(input.object),
      ...(input.previousAttributes ? { previous_attributes: input.previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: input.request,
    type: input.type,
  } as Stripe.Event;
}
