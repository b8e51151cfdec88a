import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { notFound, redirect } from 'next/navigation';
import { DeliveryPage } from './delivery-page';
import { fetchOnServer, Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.merchant');
  return { title: t('title') };
}

/**
 * `/m/<merchant>/relays/<relay>/delivery?c=<compound>`: the compound is in the URL (the relay page
 * links with it), so every read of the view names it (docs/SCALING.md §9). A link without it (an old
 * bookmark) is sent on once with the compound found in the merchant's own relay list.
 */
export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ merchantId: string; relayId: string }>;
  searchParams: Promise<{ c?: string | string[] }>;
}) {
  const { merchantId, relayId } = await params;
  const { c } = await searchParams;
  const communityId = typeof c === 'string' ? c : null;
  if (!communityId) {
    const mine = await fetchOnServer(serverTrpc.relay.listMine.queryOptions({ merchantId }));
    const relay = mine?.find((r) => r.id === relayId);
    if (!relay) notFound();
    redirect(`/m/${merchantId}/relays/${relayId}/delivery?c=${relay.communityId}`);
  }
  const input = { merchantId, communityId, relayId };
  return (
    <Prefetched queries={[serverTrpc.distribution.relayDelivery.queryOptions(input)]}>
      <DeliveryPage merchantId={merchantId} communityId={communityId} relayId={relayId} />
    </Prefetched>
  );
}
