import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PickListView } from '@/app/m/[merchantId]/relays/[relayId]/picklist/_components/pick-list-view';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('picklist');
  return { title: t('metaTitle') };
}

/** A coordinator's view of a relay's pick list in their compound: everything, full phones included. */
export default async function Page({
  params,
}: {
  params: Promise<{ communityId: string; relayId: string }>;
}) {
  const { communityId, relayId } = await params;
  return <PickListView mode="coordinator" communityId={communityId} relayId={relayId} />;
}
