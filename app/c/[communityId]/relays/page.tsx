import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CoordinatorRelays } from './coordinator-relays';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.coordinator');
  return { title: t('metaTitle') };
}

/** The compound's relays for its coordinators: each opens its notices and questions (to hide one). */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched queries={[serverTrpc.relay.list.queryOptions({ communityId })]}>
      <CoordinatorRelays communityId={communityId} />
    </Prefetched>
  );
}
