import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { VolunteersAdmin } from '@/app/_components/care/volunteers-admin';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('care.volunteer');
  return { title: t('pageTitle') };
}

/** Coordinators: offers to volunteer, shifts with slots, counts per day and per role. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <VolunteersAdmin communityId={communityId} />;
}
