import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { TestingView } from '@/app/_health/testing-view';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health.testing');
  return { title: t('title') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; roundId: string }>;
}) {
  const { communityId, roundId } = await params;
  return <TestingView communityId={communityId} roundId={roundId} area="coordinator" />;
}
