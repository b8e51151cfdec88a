import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { MerchantRelays } from './merchant-relays';
import '@/app/r/[communityId]/relays/_kit/relay.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.merchant');
  return { title: t('title') };
}

export default async function Page({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return <MerchantRelays merchantId={merchantId} />;
}
