import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { SelfTestBoard } from './self-test-board';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health.board');
  return { title: t('title') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; roundId: string }>;
}) {
  const { communityId, roundId } = await params;
  return <SelfTestBoard communityId={communityId} roundId={roundId} />;
}
