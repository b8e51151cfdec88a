'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { minSec, useServerNow, yuan } from '@/app/r/[communityId]/relays/_kit/format';

/**
 * 我代下的单: what the volunteer ordered for other households, unpaid first — each with its pay
 * button and the time left to pay — so an order placed earlier and left unpaid is found again.
 */
export function OnBehalfOrders({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.onBehalf');
  const ts = useTranslations('relay.order.status');
  const trpc = useTRPC();
  const q = useQuery(trpc.relay.onBehalfOrders.queryOptions({ communityId }, { refetchInterval: 30_000 }));
  const now = useServerNow(undefined);
  if (!q.data || q.data.length === 0) return null;
  const unpaid = q.data.filter((o) => o.payable).length;
  return (
    <section className="card" aria-labelledby="on-behalf-h" data-testid="on-behalf-orders">
      <h2 id="on-behalf-h">
        {t('title')}{' '}
        {unpaid > 0 && (
          <span className="rl-chip" data-tone="warn">
            {t('unpaid', { n: unpaid })}
          </span>
        )}
      </h2>
      <ul className="rl-on-behalf">
        {q.data.slice(0, 20).map((o) => {
          const left = o.holdUntil ? new Date(o.holdUntil).getTime() - now : 0;
          return (
            <li
              key={o.orderId}
              data-testid="on-behalf-order"
              data-order={o.orderId}
              data-payable={String(o.payable)}
            >
              <div>
                <strong>
                  {t('household', {
                    building: o.household.building,
                    stairwell: o.household.stairwell,
                    room: o.household.room,
                  })}
                </strong>{' '}
                <span className="muted">
                  {o.relayTitle} #{o.seq} · {yuan(o.totalFen)}
                </span>
              </div>
              {o.payable && left > 0 ? (
                <div className="rl-on-behalf-pay">
                  <span className="rl-notice" data-tone="warn">
                    {t('payWithin', minSec(left))}
                  </span>
                  <Link className="button primary" href={o.payHref} data-testid="on-behalf-pay">
                    {t('pay', { amount: yuan(o.totalFen) })}
                  </Link>
                </div>
              ) : (
                <span className="rl-chip">{ts(o.status)}</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
