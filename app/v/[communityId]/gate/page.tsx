import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { GatePage } from './gate-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('distribution.gate');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <GatePage communityId={communityId} />;
}
