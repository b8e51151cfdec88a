import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Suspense } from 'react';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';
import { RosterPage } from './roster-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.search');
  return { title: t('metaTitle') };
}

/** The coordinator's roster: one search box (room, name, phone) and the buildings → stairwells browser. */
export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ communityId: string }>;
  searchParams: Promise<{ q?: string | string[] }>;
}) {
  const { communityId } = await params;
  const { q } = await searchParams;
  const query = typeof q === 'string' ? q : '';
  return (
    <Prefetched
      queries={[
        query
          ? serverTrpc.roster.search.queryOptions({ communityId, query })
          : serverTrpc.roster.overview.queryOptions({ communityId }),
      ]}
    >
      <Suspense>
        <RosterPage communityId={communityId} />
      </Suspense>
    </Prefetched>
  );
}
