import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { orderPayments, type RefundRow } from './order-payments';

/** Per succeeded payment of an order (its newest first): paid minus refunded-or-pending. */
export async function refundableByPayment(tx: Tx, communityId: string, orderId: string) {
  const rows = await queryRows<{ payment_id: string; left_fen: number }>(
    tx,
    sql`select p.id as payment_id,
               p.amount_fen - coalesce((select sum(r.amount_fen) from refunds r
                                         where r.community_id = p.community_id and r.payment_id = p.id and r.status <> 'failed'), 0) as left_fen
          from payments p
         where p.community_id = ${communityId}::uuid and p.order_id = ${orderId}::uuid and p.status = 'succeeded'
         order by p.created_at desc, p.id`,
  );
  return rows.map((r) => ({ paymentId: r.payment_id, leftFen: Number(r.left_fen) }));
}

/**
 * Reserves a refund of everything still refundable on an order, under `<keyPrefix>:<orderId>`
 * (a stray second payment gets `<keyPrefix>:<orderId>:<paymentId>`): deterministic keys, so a
 * second run of the same cause finds its refund and never refunds again.
 */
export async function reserveFullRefund(
  tx: Tx,
  input: {
    communityId: string;
    orderId: string;
    keyPrefix: string;
    reason: string;
    requestedBy: string | null;
  },
): Promise<RefundRow[]> {
  const out: RefundRow[] = [];
  const left = await refundableByPayment(tx, input.communityId, input.orderId);
  for (const [i, p] of left.entries()) {
    if (p.leftFen <= 0) continue;
    const { refund } = await orderPayments().reserveRefund(tx, {
      communityId: input.communityId,
      orderId: input.orderId,
      paymentId: p.paymentId,
      amountFen: p.leftFen,
      reason: input.reason,
      idempotencyKey:
        i === 0
          ? `${input.keyPrefix}:${input.orderId}`
          : `${input.keyPrefix}:${input.orderId}:${p.paymentId}`,
      requestedBy: input.requestedBy,
    });
    if (refund.status === 'pending') out.push(refund);
  }
  return out;
}

export function cancelOrdersRefund(tx: Tx, communityId: string, orderId: string, requestedBy: string | null) {
  return reserveFullRefund(tx, {
    communityId,
    orderId,
    keyPrefix: 'order-cancelled',
    reason: 'order_cancelled',
    requestedBy,
  });
}
