'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { MyOrderCard } from '@/app/r/[communityId]/relays/_kit/my-order-card';

/** 我的订单: every order of my household (also those a volunteer placed for us), newest first. */
export function OrdersPage({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.orders');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(trpc.relay.myOrders.queryOptions({ communityId }, { refetchInterval: 30_000 }));
  const [serverNow] = useState(() => new Date());
  const live = (q.data ?? []).filter((o) => o.status === 'pending_payment' || o.status === 'paid');
  const past = (q.data ?? []).filter((o) => !(o.status === 'pending_payment' || o.status === 'paid'));
  return (
    <main data-page="orders">
      <h1>{t('title')}</h1>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {q.data && q.data.length === 0 && (
        <p className="card">
          {t('none')} <Link href={`/r/${communityId}/relays`}>{t('browse')}</Link>
        </p>
      )}
      {live.map((o) => (
        <MyOrderCard key={o.orderId} communityId={communityId} order={o} showRelay serverNow={serverNow} />
      ))}
      {past.length > 0 && <h2>{t('past')}</h2>}
      {past.map((o) => (
        <MyOrderCard key={o.orderId} communityId={communityId} order={o} showRelay serverNow={serverNow} />
      ))}
    </main>
  );
}
