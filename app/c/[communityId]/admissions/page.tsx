import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Suspense } from 'react';
import { AdmissionQueue } from './admission-queue';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.review');
  return { title: t('metaTitle') };
}

/** /c/<communityId>/admissions[?filter=…]: the coordinators' review queue (核查准入). */
export default async function AdmissionsPage({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <main data-page="admission-queue">
      <Suspense>
        <AdmissionQueue communityId={communityId} />
      </Suspense>
    </main>
  );
}
