import { getTranslations } from 'next-intl/server';
import { AppShell } from './app-shell';
import { NoAccess } from './no-access';
import { ROLE_HOME } from './nav-items';
import { communityFor, loadShell } from './server/shell';
import { SignInRedirect } from './sign-in-redirect';

/**
 * The layout of a compound area (/c, /v, /r): signed in (else to the sign-in page and back), holds
 * the area's role in THIS compound (else a plain refusal), then the shell around the page.
 * Pages still fetch through procedures that check the role again: a layout alone protects nothing.
 */
export async function CommunityAreaLayout({
  area,
  communityId,
  children,
}: {
  area: 'coordinator' | 'volunteer' | 'resident';
  communityId: string;
  children: React.ReactNode;
}) {
  const shell = await loadShell();
  if (!shell) return <SignInRedirect fallbackPath={ROLE_HOME[area](communityId)} />;
  const community = communityFor(shell.me, communityId, area);
  if (!community) return <NoAccess area={area} />;
  const t = await getTranslations('shell.place');
  let place = community.name;
  if (area === 'resident' && community.household) {
    const h = community.household;
    place = t('household', {
      community: community.name,
      building: h.building,
      stairwell: h.stairwell,
      room: h.room,
    });
  }
  return (
    <AppShell me={shell.me} role={area} place={place} communityId={community.id}>
      {children}
    </AppShell>
  );
}
