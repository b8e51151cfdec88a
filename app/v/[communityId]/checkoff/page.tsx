import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Icon } from '@/app/_components/icons';
import { requireSessionUser } from '@/server/auth/session';
import { CheckoffPage } from './checkoff-page';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.checkoff');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  const user = await requireSessionUser(`/v/${communityId}/checkoff`);
  return (
    <Prefetched
      queries={[serverTrpc.distribution.checkoffBags.queryOptions({ communityId, stairwellId: null })]}
    >
      <CheckoffPage
        communityId={communityId}
        userId={user.id}
        scanIcons={{ camera: <Icon name="qr" />, photo: <Icon name="doc" /> }}
      />
    </Prefetched>
  );
}
