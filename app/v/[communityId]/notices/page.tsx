import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { NoticesStaff } from '@/app/_components/care/notices-staff';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('care.notices');
  return { title: t('title') };
}

/** Stairwell leaders: notices to the stairwells they lead, and who has not read or confirmed yet. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <NoticesStaff communityId={communityId} coordinator={false} />;
}
