import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CoordinatorHealth } from './coordinator-health';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <CoordinatorHealth communityId={communityId} />;
}
