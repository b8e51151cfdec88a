import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PickListView } from './_components/pick-list-view';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('picklist');
  return { title: t('metaTitle') };
}

/** The merchant's pick list of one of its relays (totals, stairwells, bags, exports). */
export default async function Page({ params }: { params: Promise<{ merchantId: string; relayId: string }> }) {
  const { merchantId, relayId } = await params;
  return (
    <Prefetched queries={[serverTrpc.picklist.relay.queryOptions({ relayId, merchantId })]}>
      <PickListView mode="merchant" merchantId={merchantId} relayId={relayId} />
    </Prefetched>
  );
}
