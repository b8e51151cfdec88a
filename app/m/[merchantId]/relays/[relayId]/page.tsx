import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { MerchantRelay } from './merchant-relay';
import '@/app/r/[communityId]/relays/_kit/relay.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.manage');
  return { title: t('metaTitle') };
}

export default async function Page({ params }: { params: Promise<{ merchantId: string; relayId: string }> }) {
  const { merchantId, relayId } = await params;
  return <MerchantRelay merchantId={merchantId} relayId={relayId} />;
}
