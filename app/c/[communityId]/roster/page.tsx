import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Suspense } from 'react';
import { RosterPage } from './roster-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.search');
  return { title: t('metaTitle') };
}

/** The coordinator's roster: one search box (room, name, phone) and the buildings → stairwells browser. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Suspense>
      <RosterPage communityId={communityId} />
    </Suspense>
  );
}
