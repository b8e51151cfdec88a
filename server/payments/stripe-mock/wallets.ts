/**
 * WeChat Pay and Alipay in the mock, as Stripe's test mode has them: confirming a wallet intent
 * leaves it `requires_action` with the next action the SDK's types describe
 * (`NextAction.WechatPayDisplayQrCode`, `NextAction.RedirectToUrl`), pointing at the mock's own
 * test-mode page (`/test_mode/payment_intents/<id>`), where "authorize" or "fail" completes it —
 * as Stripe's hosted test page does. Tests call the same through `mock.authorize(id)` / `mock.fail(id)`.
 */
import QRCode from 'qrcode';
import type Stripe from 'stripe';
import { newId, nowSeconds } from './objects';

export const WALLETS = ['wechat_pay', 'alipay'] as const;
export type Wallet = (typeof WALLETS)[number];

export function isWallet(x: string): x is Wallet {
  return (WALLETS as readonly string[]).includes(x);
}

const emptyBilling = (): Stripe.PaymentMethod.BillingDetails => ({
  address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
  email: null,
  name: null,
  phone: null,
  tax_id: null,
});

export function buildWalletPaymentMethod(type: Wallet): Stripe.PaymentMethod {
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: emptyBilling(),
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type,
    ...(type === 'wechat_pay' ? { wechat_pay: {} } : { alipay: {} }),
  };
}

/** The test-mode page of an intent on the mock (what the QR encodes / where Alipay redirects). */
export function testModeUrl(baseUrl: string, piId: string): string {
  return `${baseUrl}/test_mode/payment_intents/${piId}`;
}

/** A QR code of `text` as an SVG data URL (built synchronously: the engine's handlers are sync). */
export function qrSvgDataUrl(text: string): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const { size, data } = modules;
  const m = 2;
  let path = '';
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) if (data[r * size + c]) path += `M${c + m} ${r + m}h1v1h-1z`;
  const n = size + 2 * m;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The wallet's `next_action`, with a real QR code of the test-mode page. */
export function walletNextAction(
  type: Wallet,
  baseUrl: string,
  pi: Stripe.PaymentIntent,
  returnUrl: string | null,
): Stripe.PaymentIntent.NextAction {
  const page = testModeUrl(baseUrl, pi.id);
  if (type === 'alipay') {
    return { type: 'redirect_to_url', redirect_to_url: { url: page, return_url: returnUrl } };
  }
  const data = `weixin://wxpay/bizpayurl?pr=${pi.id.slice(3, 15)}&linli_test=${encodeURIComponent(page)}`;
  const imageDataUrl = qrSvgDataUrl(page);
  return {
    type: 'wechat_pay_display_qr_code',
    wechat_pay_display_qr_code: {
      data,
      hosted_instructions_url: page,
      image_data_url: imageDataUrl,
      image_url_png: `${page}/qr.png`,
      image_url_svg: `${page}/qr.svg`,
    },
  };
}

export function buildWalletCharge(
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  failed: boolean,
): Stripe.Charge {
  const id = newId('ch');
  const type = pm.type as Wallet;
  const details: Stripe.Charge.PaymentMethodDetails =
    type === 'wechat_pay'
      ? { type, wechat_pay: { fingerprint: null, transaction_id: failed ? null : newId('', 28).slice(1) } }
      : { type, alipay: { fingerprint: null, transaction_id: failed ? null : newId('', 28).slice(1) } };
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
    billing_details: emptyBilling(),
    calculated_statement_descriptor: (pi.statement_descriptor ?? 'LINLI').toUpperCase().slice(0, 22),
    captured: !failed,
    created: nowSeconds(),
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failed ? 'payment_intent_payment_attempt_failed' : null,
    failure_message: failed ? 'The customer did not authorize the payment.' : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: failed ? 'declined_by_network' : 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: failed ? 'The customer did not authorize the payment.' : 'Payment complete.',
      type: failed ? 'issuer_declined' : 'authorized',
    },
    paid: !failed,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: details,
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: null,
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

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The test-mode page: what the payer would see in WeChat / Alipay, with authorize and fail. */
export function testModePage(pi: Stripe.PaymentIntent | undefined, id: string): string {
  const amount = pi ? `¥${(pi.amount / 100).toFixed(2)}` : '';
  const method = pi?.payment_method_types[0] ?? '';
  const body = !pi
    ? `<p>No such payment_intent: ${escapeHtml(id)}</p>`
    : pi.status !== 'requires_action'
      ? `<p data-testid="mock-status">${escapeHtml(pi.status)}</p>`
      : `<p>${escapeHtml(method)} · <strong>${amount}</strong> · ${escapeHtml(pi.description ?? '')}</p>
<form method="post" action="/test_mode/payment_intents/${escapeHtml(pi.id)}/authorize"><button type="submit" data-testid="mock-authorize">Authorize test payment</button></form>
<form method="post" action="/test_mode/payment_intents/${escapeHtml(pi.id)}/fail"><button type="submit" data-testid="mock-fail">Fail test payment</button></form>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Stripe mock · test payment</title><style>body{font:18px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:28rem;padding:0 1rem}button{font-size:18px;min-height:48px;width:100%;margin:.5rem 0}</style></head>
<body><main><h1>Test payment page (local Stripe mock)</h1>${body}</main></body></html>`;
}
