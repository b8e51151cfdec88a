import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AdmissionDetail } from './admission-detail';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.review');
  return { title: t('metaTitle') };
}

/** /c/<communityId>/admissions/<admissionId>: one application, its documents, checklist and decisions. */
export default async function AdmissionPage({
  params,
}: {
  params: Promise<{ communityId: string; admissionId: string }>;
}) {
  const { communityId, admissionId } = await params;
  return (
    <main data-page="admission-detail">
      <AdmissionDetail communityId={communityId} admissionId={admissionId} />
    </main>
  );
}
