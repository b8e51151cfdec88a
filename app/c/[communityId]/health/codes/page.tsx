import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { GateCards } from './gate-cards';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health.gate');
  return { title: t('printCodes') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <GateCards communityId={communityId} />;
}
