/**
 * Stripe's webhook endpoint. Stripe signs the raw bytes, so this is a route handler (not tRPC):
 * the body is read as text and verified by the service before anything is written. A bad or
 * missing signature answers 400 and changes nothing; an error while applying answers 500 so Stripe
 * retries (the event id is only recorded together with its effect).
 */
import { getDatabase } from '@/db/client';
import { handleStripeWebhook } from '@/server/services/payment/handle-stripe-webhook';
import { isServiceError } from '@/server/services/shared/errors';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const payload = await req.text();
  const signature = req.headers.get('stripe-signature');
  const database = await getDatabase();
  try {
    const result = await handleStripeWebhook({
      ctx: { database, db: database.db, user: null, now: () => new Date() },
      input: { payload, signature },
    });
    return Response.json({ received: true, duplicate: result.duplicate });
  } catch (e) {
    if (isServiceError(e) && e.kind === 'BAD_REQUEST') {
      return Response.json({ error: { code: e.code, message: e.message } }, { status: 400 });
    }
    console.error('[stripe] webhook failed; Stripe will retry', e);
    return Response.json({ error: { code: 'INTERNAL' } }, { status: 500 });
  }
}
