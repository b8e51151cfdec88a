import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ResidentCare } from '@/app/_components/care/resident-care';
import { ResidentNeeds } from '@/app/_components/care/resident-needs';
import { UpcomingRelays } from '@/app/_components/upcoming-relays';
import { ResidentHome } from './resident-home';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('roster.resident');
  return { title: t('metaTitle') };
}

/** The resident's home: my household, and (from the relays engineer) the relays to come. */
export default async function Page({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  return (
    <Prefetched
      queries={[
        serverTrpc.me.get.queryOptions(),
        serverTrpc.roster.myHousehold.queryOptions({ communityId }),
        serverTrpc.notices.mine.queryOptions({ communityId }),
        serverTrpc.volunteers.myStatus.queryOptions({ communityId }),
        serverTrpc.needs.mine.queryOptions({ communityId }),
        serverTrpc.relay.list.queryOptions({ communityId }),
      ]}
    >
      <main data-page="resident-home">
        <ResidentHome communityId={communityId} />
        <ResidentCare communityId={communityId} />
        <ResidentNeeds communityId={communityId} />
        <UpcomingRelays communityId={communityId} />
      </main>
    </Prefetched>
  );
}
