import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { MerchantRelays } from './merchant-relays';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.merchant');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return (
    <Prefetched
      queries={[
        serverTrpc.relay.listMine.queryOptions({ merchantId }),
        serverTrpc.relay.catalog.queryOptions({ merchantId }),
      ]}
    >
      <MerchantRelays merchantId={merchantId} />
    </Prefetched>
  );
}
