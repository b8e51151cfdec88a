import { CommunityAreaLayout } from '@/app/_components/area-layout';

export const dynamic = 'force-dynamic';

/** The coordinator area of one compound. */
export default async function CoordinatorLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ communityId: string }>;
}) {
  const { communityId } = await params;
  return (
    <CommunityAreaLayout area="coordinator" communityId={communityId}>
      {children}
    </CommunityAreaLayout>
  );
}
