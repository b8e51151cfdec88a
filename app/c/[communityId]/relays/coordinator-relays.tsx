'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { useTRPC } from '@/app/_lib/trpc';
import { RelayStatusChip } from '@/app/r/[communityId]/relays/_kit/parts';

type Summary = { id: string; title: string; merchantName: string; status: string };

/** Open, upcoming and recently ended relays of the compound; each links to its talk. */
export function CoordinatorRelays({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.coordinator');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('relay');
  const q = useQuery(trpc.relay.list.queryOptions({ communityId }));
  const groups: [string, Summary[]][] = q.data
    ? [
        ['open', q.data.open],
        ['upcoming', q.data.upcoming],
        ['ended', q.data.ended],
      ]
    : [];
  return (
    <main data-page="coordinator-relays">
      <h1>{t('title')}</h1>
      <p className="rl-meta">{t('intro')}</p>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {q.isSuccess && groups.every(([, list]) => list.length === 0) && <p className="muted">{t('none')}</p>}
      {groups
        .filter(([, list]) => list.length > 0)
        .map(([key, list]) => (
          <section key={key} aria-labelledby={`group-${key}`}>
            <h2 id={`group-${key}`}>{t(key)}</h2>
            <ul className="rt-list">
              {list.map((r) => (
                <li key={r.id} data-testid="coordinator-relay">
                  <Link href={`/c/${communityId}/relays/${r.id}`} className="rt-relay-link">
                    <strong>{r.title}</strong>
                    <span className="rl-meta">{r.merchantName}</span>
                  </Link>
                  <RelayStatusChip status={r.status as Parameters<typeof RelayStatusChip>[0]['status']} />
                </li>
              ))}
            </ul>
          </section>
        ))}
    </main>
  );
}
