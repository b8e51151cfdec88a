import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import { VolunteerHome } from './volunteer-home';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.volunteer');
  return { title: t('metaTitle') };
}

/** The volunteer's home: my stairwells and their households, care households marked. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched
      queries={[
        serverTrpc.roster.myStairwells.queryOptions({ communityId }),
        serverTrpc.relay.onBehalfOrders.queryOptions({ communityId }),
      ]}
    >
      <VolunteerHome communityId={communityId} />
    </Prefetched>
  );
}
