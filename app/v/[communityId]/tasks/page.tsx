import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { VolunteerTasks } from '@/app/_components/care/tasks';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('care.tasks');
  return { title: t('pageTitle') };
}

/** Volunteers: the day's shifts, unfilled first; claim, release, check in and out. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <VolunteerTasks communityId={communityId} />;
}
