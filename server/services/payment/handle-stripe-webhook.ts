import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Tx } from '@/db/client';
import { orders, payments, refunds, stripeEvents } from '@/db/schema';
import { getStripe, webhookSecret } from '@/server/payments/stripe';
import { writeAudit } from '@/server/services/shared/audit';
import type { ServiceContext } from '@/server/services/shared/context';
import { badRequest } from '@/server/services/shared/errors';
import { notifyUsers } from '@/server/services/shared/notify';
import { householdUserIds, relayTitleOf } from '@/server/services/relay/load';
import { payHref } from '@/server/services/relay/rules';
import { afterApply, applyInTx } from './intents';
import { recordStripeRefund } from './refunds';
import { inTransaction } from '@/server/services/shared/tx';

export type HandleStripeWebhookInput = { payload: string; signature: string | null };
export type WebhookResult = { eventId: string; type: string; duplicate: boolean; handled: boolean };

/**
 * The Stripe webhook. The signature is verified first (a bad or missing one: BAD_REQUEST, and
 * nothing is written). Each event id is handled once: `stripe_events` is inserted with ON CONFLICT
 * DO NOTHING in the same transaction as the event's effect, so a redelivered or replayed event
 * changes nothing, and an effect that fails rolls the marker back so Stripe's retry runs it again.
 */
export async function handleStripeWebhook({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: HandleStripeWebhookInput;
}): Promise<WebhookResult> {
  const database = ctx.database;
  if (!input.signature) {
    throw badRequest('WEBHOOK_SIGNATURE_MISSING', 'Missing Stripe-Signature header.');
  }
  let event: Stripe.Event;
  try {
    event = getStripe().webhooks.constructEvent(input.payload, input.signature, webhookSecret());
  } catch (e) {
    // The SDK verifies the signature first, then parses: a signed body that is not JSON lands here too.
    if ((e as { type?: string }).type === 'StripeSignatureVerificationError') {
      throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe signature does not match this payload.');
    }
    throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a Stripe event (not JSON).');
  }
  if (!isEventShape(event)) {
    throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a Stripe event (no id or type).');
  }
  // Authentic but unusable (no object, or metadata that names no compound/order of ours): recorded
  // and answered 2xx — Stripe retries every 5xx for days, and a retry cannot make it usable.
  const usable = usableObject(event);
  if (!usable) {
    console.warn(
      '[stripe] webhook %s (%s) has no usable object; recorded, not applied',
      event.id,
      event.type,
    );
  }

  const outcome = await inTransaction(database.db, async (tx) => {
    const communityId = usable ? (metadataOf(event)?.community_id ?? null) : null;
    const [fresh] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, communityId: isUuid(communityId) ? communityId : null })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (!fresh) return { duplicate: true, handled: false, after: null };

    let after: Awaited<ReturnType<typeof applyInTx>> | null = null;
    let handled = usable;
    switch (usable ? event.type : 'unusable') {
      case 'payment_intent.succeeded':
      case 'payment_intent.canceled':
        after = await applyInTx(tx, event.data.object as Stripe.PaymentIntent);
        break;
      case 'payment_intent.payment_failed': {
        const pi = event.data.object as Stripe.PaymentIntent;
        after = await applyInTx(tx, pi);
        await tellPaymentFailed(tx, pi);
        break;
      }
      case 'charge.refunded':
        // Refund rows are settled after commit (they may need a Stripe read); see below.
        break;
      default:
        handled = false;
    }
    await tx.update(stripeEvents).set({ processedAt: new Date() }).where(eq(stripeEvents.id, event.id));
    return { duplicate: false, handled, after };
  });

  if (outcome.after) await afterApply(database, outcome.after);
  if (!outcome.duplicate && usable && event.type === 'charge.refunded')
    await settleChargeRefunds(database, event.data.object);
  return { eventId: event.id, type: event.type, duplicate: outcome.duplicate, handled: outcome.handled };
}

function metadataOf(event: Stripe.Event): Record<string, string> | undefined {
  const obj = event.data?.object as { metadata?: Record<string, string> } | null | undefined;
  const m = obj?.metadata;
  return m && typeof m === 'object' ? m : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID.test(s);
}

function isEventShape(e: unknown): e is Stripe.Event {
  const ev = e as { id?: unknown; type?: unknown } | null;
  return (
    !!ev &&
    typeof ev === 'object' &&
    typeof ev.id === 'string' &&
    ev.id.length > 0 &&
    ev.id.length <= 255 &&
    typeof ev.type === 'string' &&
    ev.type.length <= 255
  );
}

/**
 * Whether the event's object is one we can apply: a PaymentIntent whose metadata names a compound
 * and an order by UUID, or a charge naming its PaymentIntent. Other event types are recorded only.
 */
function usableObject(event: Stripe.Event): boolean {
  const obj = event.data?.object as unknown as Record<string, unknown> | null | undefined;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return false;
  if (event.type.startsWith('payment_intent.')) {
    const m = metadataOf(event);
    return (
      typeof obj.id === 'string' &&
      typeof obj.status === 'string' &&
      typeof obj.amount === 'number' &&
      isUuid(m?.community_id) &&
      isUuid(m?.order_id)
    );
  }
  if (event.type === 'charge.refunded') {
    const pi = obj.payment_intent;
    return typeof pi === 'string' || (!!pi && typeof (pi as { id?: unknown }).id === 'string');
  }
  return true;
}

/** A declined card: the household hears it (the payer saw it on the pay page already). */
async function tellPaymentFailed(tx: Tx, pi: Stripe.PaymentIntent) {
  const communityId = pi.metadata?.community_id;
  const orderId = pi.metadata?.order_id;
  if (!isUuid(communityId ?? null) || !orderId) return;
  const [pay] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.communityId, communityId!), eq(payments.stripePaymentIntentId, pi.id)));
  if (!pay) return;
  const [order] = await tx
    .select({
      householdId: orders.householdId,
      placedBy: orders.placedBy,
      relayId: orders.relayId,
      seq: orders.seq,
      status: orders.status,
    })
    .from(orders)
    .where(and(eq(orders.communityId, communityId!), eq(orders.id, orderId)));
  if (!order || order.status !== 'pending_payment') return;
  const userIds = await householdUserIds(tx, communityId!, order.householdId, order.placedBy);
  const relayTitle = await relayTitleOf(tx, communityId!, order.relayId);
  await notifyUsers(
    tx,
    userIds.map((userId) => ({
      communityId: communityId!,
      userId,
      kind: 'order.payment_failed',
      payload: {
        orderId,
        relayId: order.relayId,
        relayTitle,
        seq: order.seq,
        declineCode: pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? null,
        href: payHref(communityId!, orderId),
      },
    })),
  );
  await writeAudit(tx, {
    communityId: communityId!,
    actorUserId: null,
    action: 'payment.failed',
    entityType: 'order',
    entityId: orderId,
    after: { paymentIntentId: pi.id, code: pi.last_payment_error?.code ?? null },
  });
}

/**
 * `charge.refunded`: marks our refunds of that payment succeeded. Refunds Stripe lists in the
 * charge are matched by id. A pending refund whose Stripe id is not recorded yet is either being
 * recorded by the call that sent it (the event can outrun Stripe's answer) or, if that process
 * died, finished by the refunds job with its own idempotency key.
 */
async function settleChargeRefunds(database: Database, charge: Stripe.Charge) {
  const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (!piId) return;
  const [pay] = await database.db.select().from(payments).where(eq(payments.stripePaymentIntentId, piId));
  if (!pay) return;
  const listed = new Map((charge.refunds?.data ?? []).map((r) => [r.id, r]));
  const pending = await database.db
    .select()
    .from(refunds)
    .where(
      and(
        eq(refunds.communityId, pay.communityId),
        eq(refunds.paymentId, pay.id),
        eq(refunds.status, 'pending'),
      ),
    );
  for (const r of pending) {
    if (!r.stripeRefundId) continue;
    let sr: Pick<Stripe.Refund, 'id' | 'status'> | undefined = listed.get(r.stripeRefundId);
    if (!sr) sr = await getStripe().refunds.retrieve(r.stripeRefundId);
    await recordStripeRefund(database, pay.communityId, r.id, sr);
  }
}
