import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { GateRegister } from '@/app/_health/gate-register';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('health.gate');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <GateRegister communityId={communityId} />;
}
