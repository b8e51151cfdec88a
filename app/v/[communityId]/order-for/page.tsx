import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { OrderForPage } from './order-for-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { fetchOnServer, Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.orderFor');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  // The page opens on the first open relay: its households and items come with the list.
  const list = await fetchOnServer(serverTrpc.relay.list.queryOptions({ communityId }));
  const first = list?.open[0]?.id;
  return (
    <Prefetched
      queries={
        first
          ? [
              serverTrpc.relay.orderForHouseholds.queryOptions({ communityId, relayId: first }),
              serverTrpc.relay.get.queryOptions({ communityId, relayId: first }),
            ]
          : []
      }
    >
      <OrderForPage communityId={communityId} />
    </Prefetched>
  );
}
