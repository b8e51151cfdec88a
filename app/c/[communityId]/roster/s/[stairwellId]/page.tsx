import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { StairwellPage } from './stairwell-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.stairwell');
  return { title: t('metaTitle') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; stairwellId: string }>;
}) {
  const { communityId, stairwellId } = await params;
  return <StairwellPage communityId={communityId} stairwellId={stairwellId} />;
}
