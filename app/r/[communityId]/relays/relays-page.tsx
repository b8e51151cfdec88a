'use client';
import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import type { AppRouter } from '@/server/api/root';
import { day } from './_kit/format';
import { Countdown, Progress, RelayStatusChip } from './_kit/parts';

type Summary = inferRouterOutputs<AppRouter>['relay']['list']['open'][number];

/** 团购接龙: open relays (closing soonest first), upcoming ones, and the ones that just ended. */
export function RelaysPage({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.list');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(trpc.relay.list.queryOptions({ communityId }, { refetchInterval: 30_000 }));
  return (
    <main data-page="relays">
      <h1>{t('title')}</h1>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {q.data && (
        <>
          <h2>{t('open')}</h2>
          {q.data.open.length === 0 && <p className="card muted">{t('noneOpen')}</p>}
          {q.data.open.map((r) => (
            <RelayCard key={r.id} communityId={communityId} relay={r} serverNow={q.data.serverNow} />
          ))}
          {q.data.upcoming.length > 0 && <h2>{t('upcoming')}</h2>}
          {q.data.upcoming.map((r) => (
            <RelayCard key={r.id} communityId={communityId} relay={r} serverNow={q.data.serverNow} />
          ))}
          {q.data.ended.length > 0 && <h2>{t('ended')}</h2>}
          {q.data.ended.map((r) => (
            <RelayCard key={r.id} communityId={communityId} relay={r} serverNow={q.data.serverNow} />
          ))}
        </>
      )}
    </main>
  );
}

export function RelayCard({
  communityId,
  relay,
  serverNow,
}: {
  communityId: string;
  relay: Summary;
  serverNow: Date;
}) {
  const t = useTranslations('relay.list');
  const locale = useLocale();
  return (
    <Link
      href={`/r/${communityId}/relays/${relay.id}`}
      className="card rl-card-link"
      data-testid="relay-card"
    >
      <div className="rl-head">
        <div>
          <strong style={{ fontSize: '1.15rem' }}>{relay.title}</strong>
          <div className="rl-meta">
            {relay.merchantName} · {t('delivery', { date: day(relay.deliveryDate, locale) })}
          </div>
        </div>
        <RelayStatusChip status={relay.status} />
      </div>
      <Countdown relay={{ ...relay, closedAt: null }} serverNow={serverNow} />
      <Progress progress={relay.progress} status={relay.status} />
    </Link>
  );
}
