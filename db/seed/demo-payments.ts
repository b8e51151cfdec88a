/**
 * The demo pays like production (issue 10 item 6): every paid demo order gets a real PaymentIntent
 * in the Stripe mock, succeeded with the test card `pm_card_visa`, whose id is written on its
 * payment row. The seed writes the rows without an intent (it runs before the mock is up, or in
 * tests without one); `npm start` calls this once the mock is listening, on every start, so rows
 * seeded earlier are linked too. Idempotent: Stripe's idempotency key names the payment, and only
 * rows still without an intent are touched. The mock keeps its objects in a state file next to
 * the database (server/cli/start.ts), so refunds of these payments work after a restart.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import { orders, payments } from '@/db/schema';

export async function linkDemoPayments(database: Database, stripe: Stripe): Promise<number> {
  const rows = await database.db
    .select({
      id: payments.id,
      communityId: payments.communityId,
      orderId: payments.orderId,
      amountFen: payments.amountFen,
      relayId: orders.relayId,
      seq: orders.seq,
    })
    .from(payments)
    .innerJoin(orders, and(eq(orders.communityId, payments.communityId), eq(orders.id, payments.orderId)))
    .where(
      and(
        isNull(payments.stripePaymentIntentId),
        eq(payments.status, 'succeeded'),
        sql`${payments.method} <> 'cash'`,
      ),
    );
  let linked = 0;
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const pi = await stripe.paymentIntents.create(
        {
          amount: row.amountFen,
          currency: 'cny',
          description: `邻里接龙 #${row.seq}`,
          allowed_payment_method_types: ['card'],
          payment_method: 'pm_card_visa',
          confirm: true,
          metadata: {
            community_id: row.communityId,
            order_id: row.orderId,
            relay_id: row.relayId,
            seq: String(row.seq),
            method: 'card',
            demo: '1',
          },
        },
        { idempotencyKey: `linli-demo-pi:${row.id}` },
      );
      if (pi.status !== 'succeeded') throw new Error(`demo intent ${pi.id} is ${pi.status}, not succeeded`);
      await database.db
        .update(payments)
        .set({ stripePaymentIntentId: pi.id })
        .where(
          and(
            eq(payments.communityId, row.communityId),
            eq(payments.id, row.id),
            isNull(payments.stripePaymentIntentId),
          ),
        );
      linked += 1;
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return linked;
}
