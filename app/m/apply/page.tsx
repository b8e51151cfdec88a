import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Suspense } from 'react';
import { ApplyWizard } from './apply-wizard';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.apply');
  return { title: t('metaTitle') };
}

/** /m/apply[?merchantId=…&step=…]: the merchant application wizard (any signed-in person). */
export default function ApplyPage() {
  return (
    <main data-page="merchant-apply">
      <Suspense>
        <ApplyWizard />
      </Suspense>
    </main>
  );
}
