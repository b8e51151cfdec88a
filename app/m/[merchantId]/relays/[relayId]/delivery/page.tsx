import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { DeliveryPage } from './delivery-page';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.merchant');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ merchantId: string; relayId: string }> }) {
  const { merchantId, relayId } = await params;
  return (
    <Prefetched queries={[serverTrpc.distribution.relayDelivery.queryOptions({ merchantId, relayId })]}>
      <DeliveryPage merchantId={merchantId} relayId={relayId} />
    </Prefetched>
  );
}
