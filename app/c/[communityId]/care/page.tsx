import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CarePage } from './care-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.care');
  return { title: t('metaTitle') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <CarePage communityId={communityId} />;
}
