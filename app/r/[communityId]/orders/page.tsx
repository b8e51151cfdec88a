import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { OrdersPage } from './orders-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.orders');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched queries={[serverTrpc.relay.myOrders.queryOptions({ communityId })]}>
      <OrdersPage communityId={communityId} />
    </Prefetched>
  );
}
