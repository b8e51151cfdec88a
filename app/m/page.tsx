import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { MerchantHome } from './_onboarding/merchant-home';
import './_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.home');
  return { title: t('metaTitle') };
}

/** /m: the merchants I belong to, each compound's status, and the way to apply. */
export default function MerchantHomePage() {
  return (
    <main data-page="merchant-home">
      <MerchantHome />
    </main>
  );
}
