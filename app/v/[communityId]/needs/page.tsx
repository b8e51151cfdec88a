import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { NeedsStaff } from '@/app/_components/care/needs-staff';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('care.needs');
  return { title: t('title') };
}

/** Volunteers: open needs (my stairwells first), my check-in list of care households, recording a need. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <NeedsStaff communityId={communityId} coordinator={false} />;
}
