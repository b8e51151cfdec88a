'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { day } from '@/app/r/[communityId]/relays/_kit/format';
import { RelayStatusChip } from '@/app/r/[communityId]/relays/_kit/parts';
import { RelayTalk } from '@/app/r/[communityId]/relays/_kit/relay-talk';

/** A relay's heading, then its talk as a coordinator sees it (hidden messages marked, 隐藏 on the rest). */
export function CoordinatorRelay({ communityId, relayId }: { communityId: string; relayId: string }) {
  const t = useTranslations('relay.coordinator');
  const tp = useTranslations('relay.page');
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(trpc.relay.get.queryOptions({ communityId, relayId }));
  return (
    <main data-page="coordinator-relay">
      <p>
        <Link href={`/c/${communityId}/relays`} className="button">
          {t('back')}
        </Link>
      </p>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {q.data && (
        <>
          <div className="rl-head">
            <div>
              <h1>{q.data.title}</h1>
              <p className="rl-meta">
                {q.data.merchantName} · {tp('delivery', { date: day(q.data.deliveryDate, locale) })}
              </p>
            </div>
            <RelayStatusChip status={q.data.status} />
          </div>
          <p>
            <Link href={`/c/${communityId}/relays/${relayId}/picklist`}>{t('pickList')}</Link>
          </p>
          <RelayTalk communityId={communityId} relayId={relayId} />
        </>
      )}
    </main>
  );
}
