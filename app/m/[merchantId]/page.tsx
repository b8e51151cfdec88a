import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { StatusView } from './status-view';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.statusPage');
  return { title: t('metaTitle') };
}

/** /m/<merchantId>: where the application stands in each compound, and what to do next. */
export default async function MerchantStatusPage({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return (
    <main data-page="merchant-status">
      <StatusView merchantId={merchantId} />
    </main>
  );
}
