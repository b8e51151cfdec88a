'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { minSec, newIdempotencyKey, useServerNow, yuan } from '@/app/r/[communityId]/relays/_kit/format';
import { PaymentMethods } from './methods';

type Card = 'pm_card_visa' | 'pm_card_chargeDeclined';

/**
 * Paying for an order. In test mode (the local Stripe mock, or a Stripe test key) this is a
 * test-payment page with Stripe's test cards: 4242 succeeds, the declining card is refused with a
 * clear message and the order stays payable until its hold ends. Coming back here (or opening it
 * again) asks Stripe what happened, so a lost webhook never leaves a paid order unpaid.
 */
export function PayPage({
  orderId,
  communityId,
  returning,
}: {
  orderId: string;
  communityId: string;
  returning: boolean;
}) {
  const t = useTranslations('relay.pay');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const tp = useTranslations('payment');
  const q = useQuery(
    trpc.payment.get.queryOptions(
      { communityId, orderId },
      {
        enabled: !!communityId,
        // While a wallet payment waits on the payer's phone, the page follows it (the webhook
        // turns the order paid): it shows the result without a reload.
        refetchInterval: (query) => {
          const d = query.state.data;
          return d?.order.status === 'pending_payment' && d.payment && d.payment.method !== 'card'
            ? 2000
            : false;
        },
      },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.payment.pathKey() });
  const reconcile = useMutation(trpc.payment.reconcile.mutationOptions({ onSuccess: () => void refresh() }));
  const [key, setKey] = useState(() => newIdempotencyKey('pay'));
  const pay = useMutation(
    trpc.payment.payWithTestCard.mutationOptions({
      onSettled: () => {
        setKey(newIdempotencyKey('pay'));
        void refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.relay.pathKey() });
      },
    }),
  );
  const reconciled = useRef(false);
  useEffect(() => {
    // The return page: ask Stripe directly once.
    if (
      !reconciled.current &&
      q.data &&
      (returning || q.data.payment?.status === 'processing') &&
      q.data.order.status === 'pending_payment'
    ) {
      reconciled.current = true;
      reconcile.mutate({ communityId, orderId });
    }
  }, [q.data, returning, communityId, orderId, reconcile]);
  const now = useServerNow(q.data?.serverNow);

  if (!communityId)
    return (
      <main>
        <p className="error">{t('badLink')}</p>
      </main>
    );
  if (q.isPending)
    return (
      <main>
        <p className="muted">{t('loading')}</p>
      </main>
    );
  if (q.isError)
    return (
      <main>
        <p className="error">{errorMessage(q.error)}</p>
      </main>
    );
  const { order, relay, payable, testMode, methods, payment, publishableKey, payer } = q.data;
  const holdLeft = order.holdUntil ? new Date(order.holdUntil).getTime() - now : 0;
  const result = pay.data;
  const paid = order.status === 'paid' || result?.outcome === 'succeeded';
  const submit = (card: Card) => {
    if (pay.isPending) return;
    pay.mutate({
      communityId,
      orderId,
      paymentMethod: card,
      idempotencyKey: key,
    });
  };
  return (
    <main data-page="pay">
      <h1>{t('title')}</h1>
      <section className="card">
        <p className="rl-meta">{relay.title}</p>
        <p>
          <strong className="rl-seq">#{order.seq}</strong>
        </p>
        <ul className="rl-lines">
          {order.lines.map((l, i) => (
            <li key={i}>
              {l.name} × {l.qty} <span className="muted">{yuan(l.qty * l.unitPriceFen)}</span>
            </li>
          ))}
        </ul>
        <div className="rl-total">
          <span>{t('amount')}</span>
          <strong data-testid="pay-amount">{yuan(order.totalFen)}</strong>
        </div>
      </section>

      {paid && payment?.method === 'cash' ? (
        <div className="rl-notice" data-tone="ok" role="status" data-testid="pay-cash">
          {tp('cashCommitted', { amount: yuan(payment.amountFen) })}
        </div>
      ) : paid ? (
        <div className="rl-notice" data-tone="ok" role="status" data-testid="pay-success">
          {t('success', { seq: order.seq })}
        </div>
      ) : result?.outcome === 'declined' ? (
        <div className="rl-notice" data-tone="bad" role="alert" data-testid="pay-declined">
          {t.has(`declined.${result.declineCode ?? ''}`)
            ? t(`declined.${result.declineCode}`)
            : t('declined.generic_decline')}
          <br />
          {t('declinedHelp')}
        </div>
      ) : result?.outcome === 'refunded' ? (
        <div className="rl-notice" data-tone="warn" role="alert">
          {t('lateRefunded')}
        </div>
      ) : null}
      {pay.isError && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {errorMessage(pay.error)}
        </p>
      )}
      {payer && !payer.ofHousehold && (
        <p className="rl-meta" data-testid="pay-payer">
          {tp('paidBy', { name: payer.name })}
        </p>
      )}
      {reconcile.isPending && <p className="muted">{t('checking')}</p>}

      {!paid && order.status !== 'pending_payment' && (
        <p className="rl-notice" data-tone="bad">
          {t(`ended.${order.status}`)}
        </p>
      )}
      {!paid && payable && (
        <>
          {holdLeft > 0 && (
            <p className="rl-notice" data-tone="warn">
              {t('holdLeft', minSec(holdLeft))}
            </p>
          )}
          {payment?.status === 'failed' && (
            <p className="rl-notice" data-tone="bad" role="alert" data-testid="pay-failed">
              {tp('failed')}
            </p>
          )}
          {order.onBehalf && <p className="rl-meta">{tp('payingFor')}</p>}
          <PaymentMethods
            communityId={communityId}
            orderId={orderId}
            totalFen={order.totalFen}
            methods={methods}
            current={
              payment && payment.method !== 'cash' && payment.status !== 'canceled' ? payment.method : null
            }
            publishableKey={publishableKey}
            onChosen={() => void refresh()}
            testCards={
              testMode ? (
                <div aria-busy={pay.isPending}>
                  <h3>{t('testCards')}</h3>
                  <p className="rl-meta">{t('testNote')}</p>
                  <div className="rl-testcards">
                    <button
                      type="button"
                      className="primary"
                      disabled={pay.isPending}
                      onClick={() => submit('pm_card_visa')}
                      data-testid="pay-visa"
                    >
                      {pay.isPending && pay.variables?.paymentMethod === 'pm_card_visa'
                        ? t('paying')
                        : t('visa', { amount: yuan(order.totalFen) })}
                      <small>4242 4242 4242 4242</small>
                    </button>
                    <button
                      type="button"
                      disabled={pay.isPending}
                      onClick={() => submit('pm_card_chargeDeclined')}
                      data-testid="pay-declined-card"
                    >
                      {pay.isPending && pay.variables?.paymentMethod === 'pm_card_chargeDeclined'
                        ? t('paying')
                        : t('declinedCard')}
                      <small>4000 0000 0000 0002</small>
                    </button>
                  </div>
                </div>
              ) : null
            }
          />
        </>
      )}
      <p>
        <Link href={`/r/${communityId}/orders`}>{t('toOrders')}</Link> ·{' '}
        <Link href={`/r/${communityId}/relays/${relay.id}`}>{t('toRelay')}</Link>
      </p>
    </main>
  );
}
