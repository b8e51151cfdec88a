import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ImportPage } from './import-page';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.import');
  return { title: t('metaTitle') };
}

export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return <ImportPage communityId={communityId} />;
}
