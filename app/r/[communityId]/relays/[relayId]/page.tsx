import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { RelayPage } from './relay-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.page');
  return { title: t('metaTitle') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; relayId: string }>;
}) {
  const { communityId, relayId } = await params;
  return (
    <Prefetched
      queries={[
        serverTrpc.relay.get.queryOptions({ communityId, relayId }),
        serverTrpc.relay.myOrders.queryOptions({ communityId, relayId }),
        serverTrpc.relayTalk.list.queryOptions({ communityId, relayId }),
      ]}
    >
      <RelayPage communityId={communityId} relayId={relayId} />
    </Prefetched>
  );
}
