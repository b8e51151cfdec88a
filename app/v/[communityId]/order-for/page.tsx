import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { OrderForPage } from './order-for-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.orderFor');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <OrderForPage communityId={communityId} />;
}
