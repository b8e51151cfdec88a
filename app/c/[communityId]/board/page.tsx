import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import { BoardPage } from './board-page';
import { BOARD_ONLY_WITH_BAGS_COOKIE } from './board-cookie';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.board');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  const onlyWithBags = (await cookies()).get(BOARD_ONLY_WITH_BAGS_COOKIE)?.value === '1';
  return (
    <Prefetched queries={[serverTrpc.distribution.board.queryOptions({ communityId })]}>
      <BoardPage communityId={communityId} onlyWithBagsAtFirst={onlyWithBags} />
    </Prefetched>
  );
}
