'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { RelayCard } from '@/app/r/[communityId]/relays/relays-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';

/** On the resident's home: the relays open now and those about to open, with their countdowns. */
export function UpcomingRelays({ communityId }: { communityId: string }) {
  const t = useTranslations('relay.home');
  const trpc = useTRPC();
  const q = useQuery(trpc.relay.list.queryOptions({ communityId }, { refetchInterval: 60_000 }));
  if (q.isPending || q.isError) return null;
  const shown = [...q.data.open, ...q.data.upcoming].slice(0, 3);
  return (
    <section aria-labelledby="upcoming-relays" data-testid="upcoming-relays">
      <h2 id="upcoming-relays">{t('title')}</h2>
      {shown.length === 0 && <p className="card muted">{t('none')}</p>}
      {shown.map((r) => (
        <RelayCard key={r.id} communityId={communityId} relay={r} serverNow={q.data.serverNow} />
      ))}
      <p>
        <Link href={`/r/${communityId}/relays`}>{t('all')}</Link> ·{' '}
        <Link href={`/r/${communityId}/orders`}>{t('orders')}</Link>
      </p>
    </section>
  );
}
