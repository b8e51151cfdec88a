import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { BagsPage } from './bags-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('picklist');
  return { title: t('metaTitleBags') };
}

/** A volunteer's bag list: their own stairwells only, no prices or phone numbers. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <BagsPage communityId={communityId} />;
}
