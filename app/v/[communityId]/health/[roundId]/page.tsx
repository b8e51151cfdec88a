import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { SelfTestForms } from './self-test-forms';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health.form');
  return { title: t('title') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; roundId: string }>;
}) {
  const { communityId, roundId } = await params;
  return <SelfTestForms communityId={communityId} roundId={roundId} />;
}
