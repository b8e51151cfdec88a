import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { RoundsList } from './rounds';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  const t = await getTranslations('health');
  return (
    <main data-page="health-volunteer">
      <h1>{t('title')}</h1>
      <Link className="button" href={`/v/${communityId}/health/gate`}>
        {t('rounds.gate')}
      </Link>
      <RoundsList communityId={communityId} />
    </main>
  );
}
