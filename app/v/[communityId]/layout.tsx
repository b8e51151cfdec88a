import { CommunityAreaLayout } from '@/app/_components/area-layout';

export const dynamic = 'force-dynamic';

/** The volunteer area of one compound. */
export default async function VolunteerLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ communityId: string }>;
}) {
  const { communityId } = await params;
  return (
    <CommunityAreaLayout area="volunteer" communityId={communityId}>
      {children}
    </CommunityAreaLayout>
  );
}
