import { CommunityAreaLayout } from '@/app/_components/area-layout';

export const dynamic = 'force-dynamic';

/** The resident area of one compound. */
export default async function ResidentLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ communityId: string }>;
}) {
  const { communityId } = await params;
  return (
    <CommunityAreaLayout area="resident" communityId={communityId}>
      {children}
    </CommunityAreaLayout>
  );
}
