import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { CatalogEditor } from './catalog-editor';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.catalog');
  return { title: t('metaTitle') };
}

/** /m/<merchantId>/catalog: the merchant's products (owner and staff). */
export default async function CatalogPage({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return (
    <main data-page="merchant-catalog">
      <CatalogEditor merchantId={merchantId} />
    </main>
  );
}
