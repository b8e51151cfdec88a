import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { RelaysPage } from './relays-page';
import './_kit/relay.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.list');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <RelaysPage communityId={communityId} />;
}
