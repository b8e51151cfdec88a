import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { TeamView } from './team-view';
import '@/app/m/_onboarding/onboarding.css';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('merchant.team');
  return { title: t('metaTitle') };
}

/** /m/<merchantId>/team: the owner and staff; the owner adds and removes staff by phone. */
export default async function TeamPage({ params }: { params: Promise<{ merchantId: string }> }) {
  const { merchantId } = await params;
  return (
    <main data-page="merchant-team">
      <TeamView merchantId={merchantId} />
    </main>
  );
}
