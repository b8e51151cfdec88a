import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CoordinatorRelay } from './coordinator-relay';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.coordinator');
  return { title: t('metaTitle') };
}

/** One relay of the compound for its coordinators: the notices and questions, with 隐藏. */
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
        serverTrpc.relayTalk.list.queryOptions({ communityId, relayId }),
      ]}
    >
      <CoordinatorRelay communityId={communityId} relayId={relayId} />
    </Prefetched>
  );
}
