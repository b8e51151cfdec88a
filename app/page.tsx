import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AppShell } from './_components/app-shell';
import { Icon, type IconName } from './_components/icons';
import { LocaleSwitch } from './_components/locale-switch';
import { BigTextSwitch } from './_components/big-text-switch';
import { destinationsOf, loadShell, type Destination } from './_components/server/shell';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('common');
  return { title: `${t('appName')} · Linli` };
}

const AREA_ICON: Record<Destination['area'], IconName> = {
  coordinator: 'dashboard',
  volunteer: 'shield',
  resident: 'home',
  merchant: 'store',
};

/**
 * Signed out: what Linli is and a big sign-in button. Signed in: one card per role held; with
 * exactly one, straight there (`?choose=1` shows the list anyway, for switching areas).
 */
export default async function Home({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const shell = await loadShell();
  if (!shell) return <Intro />;
  const destinations = destinationsOf(shell.me);
  if (destinations.length === 1 && sp.choose !== '1') redirect(destinations[0]!.href);

  const t = await getTranslations('shell.home');
  return (
    <AppShell me={shell.me} role={null}>
      <main data-page="choose">
        <h1>{t('chooseTitle', { name: shell.me.user.name })}</h1>
        {destinations.length === 0 ? (
          <p className="card">{t('noRoles')}</p>
        ) : (
          <p className="muted">{t('chooseIntro')}</p>
        )}
        <ul className="shell-cards">
          {destinations.map((d) => (
            <li key={`${d.area}:${d.area === 'merchant' ? d.merchantId : d.communityId}`}>
              <Link href={d.href} className="shell-card-link" data-area={d.area}>
                <Icon name={AREA_ICON[d.area]} size={32} />
                <span>
                  <strong>
                    {d.area === 'merchant'
                      ? t('asMerchant', { merchant: d.merchantName })
                      : t(`as.${d.area}`, { community: d.communityName })}
                  </strong>
                  {d.detail && (
                    <span className="muted shell-card-detail">
                      {t(`detail.${d.area}`, { detail: d.detail })}
                    </span>
                  )}
                </span>
              </Link>
            </li>
          ))}
        </ul>
        <p>
          <Link href="/m/apply" className="shell-apply">
            {t('applyAsMerchant')}
          </Link>
        </p>
      </main>
    </AppShell>
  );
}

async function Intro() {
  const t = await getTranslations('shell.intro');
  const tc = await getTranslations('common');
  const who = ['residents', 'volunteers', 'coordinators', 'merchants'] as const;
  return (
    <main className="shell-intro" data-page="intro">
      <div className="shell-intro-top">
        <span className="shell-app">{tc('appName')}</span>
        <BigTextSwitch className="shell-icon-button" />
        <LocaleSwitch />
      </div>
      <h1>{t('title')}</h1>
      <p className="shell-lead">{t('lead')}</p>
      <Link href="/signin" className="button primary shell-big">
        {tc('signIn')}
      </Link>
      <h2>{t('whoTitle')}</h2>
      <ul className="shell-who">
        {who.map((w) => (
          <li key={w} className="card">
            <strong>{t(`who.${w}.title`)}</strong>
            <span>{t(`who.${w}.text`)}</span>
          </li>
        ))}
      </ul>
      <p className="muted">{t('privacy')}</p>
    </main>
  );
}
