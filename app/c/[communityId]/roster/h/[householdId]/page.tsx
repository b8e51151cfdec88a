import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { HouseholdPage } from './household-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.household');
  return { title: t('metaTitle') };
}

export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; householdId: string }>;
}) {
  const { communityId, householdId } = await params;
  return <HouseholdPage communityId={communityId} householdId={householdId} />;
}
