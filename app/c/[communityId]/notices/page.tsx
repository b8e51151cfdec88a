import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { NoticesStaff } from '@/app/_components/care/notices-staff';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('care.notices');
  return { title: t('title') };
}

/** Coordinators: post notices to the compound, a building or stairwells, and follow up who is left. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <NoticesStaff communityId={communityId} coordinator />;
}
