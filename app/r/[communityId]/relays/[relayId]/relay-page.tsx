'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { day, useServerNow } from '@/app/r/[communityId]/relays/_kit/format';
import { MyOrderCard } from '@/app/r/[communityId]/relays/_kit/my-order-card';
import { OrderForm, type Joined } from '@/app/r/[communityId]/relays/_kit/order-form';
import { yuan } from '@/app/r/[communityId]/relays/_kit/format';
import {
  ChainList,
  Countdown,
  LiveDot,
  Progress,
  RelayStatusChip,
} from '@/app/r/[communityId]/relays/_kit/parts';
import { RelayTalk } from '@/app/r/[communityId]/relays/_kit/relay-talk';
import { ShareRelay } from '@/app/r/[communityId]/relays/_kit/share-relay';
import { useRelayLive, type RelayView } from '@/app/r/[communityId]/relays/_kit/use-relay-live';

/**
 * The relay page: items with the stock left, progress toward 成团, the countdown to cutoff, the
 * join form with big steppers, my orders here, the merchant's notices and the questions and
 * answers, and the live numbered chain (others masked).
 */
export function RelayPage({ communityId, relayId }: { communityId: string; relayId: string }) {
  const t = useTranslations('relay.page');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(trpc.relay.get.queryOptions({ communityId, relayId }));
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
  return <LiveRelay communityId={communityId} view={q.data} />;
}

function LiveRelay({ communityId, view }: { communityId: string; view: RelayView }) {
  const t = useTranslations('relay.page');
  const locale = useLocale();
  const [joined, setJoined] = useState<Joined | null>(null);
  const trpc = useTRPC();
  const live = useRelayLive({ kind: 'member', communityId }, view.id, view);
  const now = useServerNow(view.serverNow, 5000);
  const mine = useQuery(trpc.relay.myOrders.queryOptions({ communityId, relayId: view.id }));
  const household = view.myHouseholds[0];
  const open =
    live.status === 'open' &&
    now < new Date(view.closesAt).getTime() &&
    now >= new Date(view.opensAt).getTime();
  const myLive = (mine.data ?? []).filter((o) => o.status === 'pending_payment' || o.status === 'paid');
  const myPast = (mine.data ?? []).filter((o) => !(o.status === 'pending_payment' || o.status === 'paid'));
  return (
    <main data-page="relay">
      <div className="rl-head">
        <div>
          <h1>{view.title}</h1>
          <p className="rl-meta">
            {view.merchantName} · {t('delivery', { date: day(view.deliveryDate, locale) })}
          </p>
        </div>
        <RelayStatusChip status={live.status} />
      </div>
      <Countdown
        relay={{ ...view, status: live.status, closedAt: live.closedAt }}
        serverNow={view.serverNow}
      />
      {view.description && <p style={{ whiteSpace: 'pre-wrap' }}>{view.description}</p>}
      {live.status === 'failed' && (
        <p className="rl-notice" data-tone="bad">
          {t('failed')}
        </p>
      )}
      {live.status === 'cancelled' && (
        <p className="rl-notice" data-tone="bad">
          {t('cancelled', { reason: view.outcomeReason ?? '' })}
        </p>
      )}
      {live.status === 'formed' && (
        <p className="rl-notice" data-tone="ok">
          {t('formed', { date: day(view.deliveryDate, locale) })}
        </p>
      )}
      {live.status === 'closed' && (
        <p className="rl-notice" data-tone="warn">
          {t('closedWaiting')}
        </p>
      )}

      <RelayTalk communityId={communityId} relayId={view.id} part="notices" />

      <section className="card" aria-labelledby="progress-h">
        <h2 id="progress-h">{t('progress')}</h2>
        <Progress progress={live.progress} status={live.status} />
      </section>

      {joined && (
        <div className="rl-notice" data-tone="ok" role="status" data-testid="joined">
          {t('joined', { seq: joined.seq, amount: yuan(joined.totalFen) })}
          {joined.status === 'pending_payment' && (
            <Link
              className="button primary rl-submit"
              href={`/pay/${joined.orderId}?c=${communityId}`}
              data-testid="joined-pay"
            >
              {t('payNow', { amount: yuan(joined.totalFen) })}
            </Link>
          )}
        </div>
      )}

      {myLive.length > 0 && (
        <section aria-labelledby="mine-h">
          <h2 id="mine-h">{t('myOrders')}</h2>
          {myLive.map((o) => (
            <MyOrderCard key={o.orderId} communityId={communityId} order={o} serverNow={view.serverNow} />
          ))}
        </section>
      )}

      <section className="card" aria-labelledby="join-h">
        <h2 id="join-h">{myLive.length > 0 ? t('joinAgain') : t('join')}</h2>
        {!household ? (
          <p className="muted">{t('noHousehold')}</p>
        ) : open ? (
          <>
            <p className="rl-meta">
              {t('forHousehold', {
                building: household.building,
                stairwell: household.stairwell,
                room: household.room,
              })}
            </p>
            <OrderForm
              communityId={communityId}
              relayId={view.id}
              householdId={household.id}
              items={live.items}
              onJoined={setJoined}
              sameAsLast
            />
          </>
        ) : (
          <p className="muted">
            {live.status === 'draft' || now < new Date(view.opensAt).getTime()
              ? t('notYetOpen')
              : t('notOpen')}
          </p>
        )}
      </section>

      <RelayTalk communityId={communityId} relayId={view.id} part="questions" />

      <ShareRelay communityId={communityId} view={view} live={live} />

      <section className="card" aria-labelledby="chain-h">
        <div className="rl-head">
          <h2 id="chain-h">{t('chain', { count: live.chain.filter((e) => e.active).length })}</h2>
          <LiveDot state={live.connection} />
        </div>
        <ChainList chain={live.chain} fresh={live.fresh} />
      </section>

      {myPast.length > 0 && (
        <section aria-labelledby="past-h">
          <h2 id="past-h">{t('pastOrders')}</h2>
          {myPast.map((o) => (
            <MyOrderCard key={o.orderId} communityId={communityId} order={o} serverNow={view.serverNow} />
          ))}
        </section>
      )}
    </main>
  );
}
