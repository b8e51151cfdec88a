import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { GatePage } from './gate-page';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.gate');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched queries={[serverTrpc.distribution.gate.queryOptions({ communityId })]}>
      <GatePage communityId={communityId} />
    </Prefetched>
  );
}
