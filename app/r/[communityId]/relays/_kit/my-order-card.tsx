'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { day, minSec, useServerNow, yuan } from './format';
import { Stepper } from './parts';

export type MyOrder = inferRouterOutputs<AppRouter>['relay']['myOrders'][number];

const TONE: Record<string, string> = {
  paid: 'ok',
  pending_payment: 'warn',
  cancelled: 'bad',
  expired: 'bad',
  fulfilled: 'ok',
  short: 'warn',
};

/**
 * One of my orders: what, how much, where it stands; pay, change or cancel while that is possible.
 * An unpaid order may grow up to what is left and the household limit; a paid one only shrinks.
 */
export function MyOrderCard({
  communityId,
  order,
  showRelay,
  serverNow,
}: {
  communityId: string;
  order: MyOrder;
  showRelay?: boolean;
  serverNow: Date;
}) {
  const t = useTranslations('relay.order');
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('relay');
  const now = useServerNow(serverNow);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [qty, setQty] = useState<Record<string, number>>(() =>
    Object.fromEntries(order.lines.map((l) => [l.relayItemId, l.qty])),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.relay.pathKey() });
  const change = useMutation(
    trpc.relay.changeOrder.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        void refresh();
      },
    }),
  );
  const cancel = useMutation(
    trpc.relay.cancelOrder.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void refresh();
      },
    }),
  );
  const live = order.status === 'pending_payment' || order.status === 'paid';
  const changeable = live && order.relayStatus === 'open' && new Date(order.closesAt).getTime() > now;
  const holdLeft = order.holdUntil ? new Date(order.holdUntil).getTime() - now : 0;
  const busy = change.isPending || cancel.isPending;
  const newTotal = order.lines.reduce((s, l) => s + (qty[l.relayItemId] ?? l.qty) * l.unitPriceFen, 0);
  return (
    <article className="card rl-order" data-status={order.status} data-testid="my-order" data-seq={order.seq}>
      <div className="rl-head">
        <div>
          {showRelay && (
            <Link href={`/r/${communityId}/relays/${order.relayId}`}>
              <strong>{order.relayTitle}</strong>
            </Link>
          )}
          <div>
            <strong className="rl-seq">#{order.seq}</strong> {yuan(order.totalFen)}
          </div>
        </div>
        <span className="rl-chip" data-tone={TONE[order.status] ?? 'info'} data-testid="order-status">
          {t(`status.${order.status}`)}
        </span>
      </div>
      {order.onBehalf && (
        <p className="rl-meta">
          {order.placedByMe
            ? t('placedForHousehold', {
                building: order.household.building,
                stairwell: order.household.stairwell,
                room: order.household.room,
              })
            : t('placedBy', { name: order.placedByName })}
        </p>
      )}
      {order.doorDelivery && <p className="rl-care">{t('doorDelivery')}</p>}
      {editing ? (
        <ul className="rl-items">
          {order.lines.map((l) => (
            <li key={l.relayItemId} className="rl-item">
              <div>
                <div className="rl-item-name">{l.name}</div>
                <div className="rl-item-sub">
                  {yuan(l.unitPriceFen)}/{l.unit}
                </div>
              </div>
              <Stepper
                label={l.name}
                value={qty[l.relayItemId] ?? l.qty}
                max={order.status === 'pending_payment' ? Math.max(l.qty, l.maxQty) : l.qty}
                onChange={(v) => setQty((q) => ({ ...q, [l.relayItemId]: v }))}
                disabled={busy}
              />
            </li>
          ))}
        </ul>
      ) : (
        <ul className="rl-lines">
          {order.lines.map((l) => (
            <li key={l.relayItemId}>
              {l.name} {l.spec && <span className="muted">{l.spec}</span>} × {l.qty}
            </li>
          ))}
        </ul>
      )}
      {order.status === 'pending_payment' && holdLeft > 0 && (
        <p className="rl-notice" data-tone="warn">
          {t('payWithin', minSec(holdLeft))}
          {order.paymentError && (
            <>
              <br />
              {t('lastDeclined')}
            </>
          )}
        </p>
      )}
      {order.refundedFen > 0 && (
        <p className="rl-meta">{t('refunded', { amount: yuan(order.refundedFen) })}</p>
      )}
      {order.refundPendingFen > 0 && (
        <p className="rl-meta">{t('refunding', { amount: yuan(order.refundPendingFen) })}</p>
      )}
      {order.status === 'paid' && (
        <p className="rl-meta">{t('delivery', { date: day(order.deliveryDate, locale) })}</p>
      )}
      {(change.isError || cancel.isError) && (
        <p className="rl-notice" data-tone="bad" role="alert">
          {errorMessage(change.error ?? cancel.error)}
        </p>
      )}
      {editing ? (
        <div className="rl-actions">
          <button type="button" onClick={() => setEditing(false)} disabled={busy}>
            {t('keep')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || newTotal === order.totalFen}
            onClick={() =>
              change.mutate({
                communityId,
                orderId: order.orderId,
                lines: order.lines.map((l) => ({
                  relayItemId: l.relayItemId,
                  qty: qty[l.relayItemId] ?? l.qty,
                })),
              })
            }
          >
            {change.isPending ? t('saving') : t('saveChange', { amount: yuan(newTotal) })}
          </button>
        </div>
      ) : confirming ? (
        <div className="rl-actions" role="group" aria-label={t('confirmCancel')}>
          <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
            {t('keep')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => cancel.mutate({ communityId, orderId: order.orderId })}
            disabled={busy}
            data-testid="confirm-cancel"
          >
            {cancel.isPending
              ? t('cancelling')
              : order.status === 'paid'
                ? t('cancelAndRefund')
                : t('cancelYes')}
          </button>
        </div>
      ) : (
        <div className="rl-actions">
          {order.status === 'pending_payment' && holdLeft > 0 && (
            <Link
              className="button primary"
              href={`/pay/${order.orderId}?c=${communityId}`}
              data-testid="pay-link"
            >
              {t('pay', { amount: yuan(order.totalFen) })}
            </Link>
          )}
          {changeable && (
            <button type="button" onClick={() => setEditing(true)}>
              {order.status === 'pending_payment' ? t('changeQty') : t('reduce')}
            </button>
          )}
          {changeable && (
            <button type="button" onClick={() => setConfirming(true)} data-testid="cancel-order">
              {t('cancel')}
            </button>
          )}
        </div>
      )}
    </article>
  );
}
