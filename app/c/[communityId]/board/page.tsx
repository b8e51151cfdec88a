import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { BoardPage } from './board-page';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.board');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched queries={[serverTrpc.distribution.board.queryOptions({ communityId })]}>
      <BoardPage communityId={communityId} />
    </Prefetched>
  );
}
