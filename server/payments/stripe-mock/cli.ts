/**
 * `npm run stripe-mock`: the local Stripe mock on its own, for manual work.
 *
 *   STRIPE_MOCK_PORT=12111 \
 *   STRIPE_MOCK_WEBHOOK_URL=http://127.0.0.1:3000/api/stripe/webhook \
 *   STRIPE_WEBHOOK_SECRET=whsec_… npm run stripe-mock
 *
 * then run the app with STRIPE_SECRET_KEY=sk_test_anything and STRIPE_API_BASE=<printed URL>.
 * Flags: --port N, --webhook-url URL (or "none"), --quiet.
 */
import { startStripeMock } from './server';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(flag('port') ?? process.env.STRIPE_MOCK_PORT ?? 12111);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`stripe-mock: invalid port ${String(flag('port') ?? process.env.STRIPE_MOCK_PORT)}`);
  process.exit(2);
}
const appPort = process.env.PORT ?? '3000';
const webhookFlag =
  flag('webhook-url') ??
  process.env.STRIPE_MOCK_WEBHOOK_URL ??
  `http://127.0.0.1:${appPort}/api/stripe/webhook`;
const webhookUrl = webhookFlag === 'none' ? null : webhookFlag;

const mock = await startStripeMock({
  port,
  webhookUrl,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || undefined,
  log: !process.argv.includes('--quiet'),
});

console.log(`Stripe mock listening on ${mock.url}
  STRIPE_API_BASE=${mock.url}
  STRIPE_SECRET_KEY=sk_test_linli_mock   (any sk_test_… key is accepted)
  STRIPE_WEBHOOK_SECRET=${mock.webhookSecret}
  webhooks → ${webhookUrl ?? '(none)'}
  test cards: pm_card_visa (succeeds), pm_card_chargeDeclined (declined)`);

const stop = () => {
  void mock.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
