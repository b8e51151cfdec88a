/**
 * Stripe's webhook endpoint. Stripe signs the raw bytes, so this is a route handler (not tRPC):
 * the body is read as text and verified by the service before anything is written. A bad or
 * missing signature answers 400 and changes nothing; an error while applying answers 500 so Stripe
 * retries (the event id is only recorded together with its effect).
 */
import { getDatabase } from '@/db/client';
import { handleStripeWebhook } from '@/server/services/payment/handle-stripe-webhook';
import { isServiceError } from '@/server/services/shared/errors';
import { withOps } from '@/server/ops/http';
import { log } from '@/server/ops/log';
import { countWebhook, webhookEventType } from '@/server/ops/metrics';

export const dynamic = 'force-dynamic';

export const POST = withOps('stripe-webhook', async (req, requestId) => {
  const payload = await req.text();
  const type = webhookEventType(payload);
  const signature = req.headers.get('stripe-signature');
  const database = await getDatabase();
  try {
    const result = await handleStripeWebhook({
      ctx: { database, db: database.db, user: null, now: () => new Date() },
      input: { payload, signature },
    });
    countWebhook(type, result.duplicate ? 'duplicate' : 'applied');
    return Response.json({ received: true, duplicate: result.duplicate });
  } catch (e) {
    if (isServiceError(e) && e.kind === 'BAD_REQUEST') {
      countWebhook(type, 'refused');
      return Response.json({ error: { code: e.code, message: e.message } }, { status: 400 });
    }
    countWebhook(type, 'error');
    log().error(
      { requestId, route: 'stripe-webhook', status: 500, event: type, err: e },
      'webhook failed; Stripe will retry',
    );
    return Response.json({ error: { code: 'INTERNAL', requestId } }, { status: 500 });
  }
});
