import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { Icon } from '@/app/_components/icons';
import { resolveHref } from '@/app/_components/nav-href';
import { NAV_ITEMS } from '@/app/_components/nav-items';
import { loadShell } from '@/app/_components/server/shell';
import {
  getCommunityOverview,
  type CommunityOverview,
} from '@/server/services/platform/get-community-overview';
import { isServiceError } from '@/server/services/shared/errors';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('shell.dashboard');
  return { title: t('metaTitle') };
}

/** The coordinator's home: the compound at a glance, what needs attention, and where to go. */
export default async function CoordinatorHome({ params }: { params: Promise<{ communityId: string }> }) {
  const { communityId } = await params;
  const shell = await loadShell();
  // The layout has already shown the sign-in redirect or the refusal.
  if (!shell) return null;
  let o: CommunityOverview;
  try {
    o = await getCommunityOverview({ ctx: shell.ctx, input: { communityId } });
  } catch (e) {
    if (isServiceError(e)) return null;
    throw e;
  }
  const t = await getTranslations('shell.dashboard');
  const tAll = await getTranslations();
  const fmt = (n: number) => n.toLocaleString('en-US');
  const links = NAV_ITEMS.coordinator.flatMap((i) => {
    const to = i.exact ? null : resolveHref(i.href, { communityId });
    return to ? [{ ...i, to }] : [];
  });
  const attention: { key: string; text: string; href?: string }[] = [];
  if (o.gaps.withoutLeader > 0)
    attention.push({
      key: 'leader',
      text: t('attention.withoutLeader', { count: o.gaps.withoutLeader }),
      href: `/c/${communityId}/assignments`,
    });
  if (o.gaps.withoutVolunteer > 0)
    attention.push({
      key: 'volunteer',
      text: t('attention.withoutVolunteer', { count: o.gaps.withoutVolunteer }),
      href: `/c/${communityId}/assignments`,
    });
  if (o.merchants.awaitingReview > 0)
    attention.push({
      key: 'review',
      text: t('attention.awaitingReview', { count: o.merchants.awaitingReview }),
      href: `/c/${communityId}/admissions`,
    });
  if (o.merchants.expired > 0)
    attention.push({
      key: 'expired',
      text: t('attention.expired', { count: o.merchants.expired }),
      href: `/c/${communityId}/admissions`,
    });
  if (o.roster.emptyHouseholds > 0)
    attention.push({
      key: 'empty',
      text: t('attention.emptyHouseholds', { count: o.roster.emptyHouseholds }),
      href: `/c/${communityId}/roster`,
    });

  const figures: { key: string; value: number; note?: string }[] = [
    { key: 'households', value: o.roster.households },
    { key: 'residents', value: o.roster.residents },
    { key: 'elderly', value: o.roster.elderly },
    {
      key: 'stairwells',
      value: o.roster.stairwells,
      note: t('figures.buildingsNote', { count: o.roster.buildings }),
    },
    {
      key: 'volunteers',
      value: o.roster.volunteers,
      note: t('figures.coordinatorsNote', { count: o.roster.coordinators }),
    },
    {
      key: 'care',
      value: o.care.households,
      note: t('figures.careNote', { alone: o.care.elderlyAlone, noPhone: o.care.noSmartphone }),
    },
    { key: 'merchants', value: o.merchants.admitted },
    { key: 'relays', value: o.relays.open, note: t('figures.relaysNote', { count: o.relays.inProgress }) },
  ];

  return (
    <main data-page="coordinator-home">
      <h1>{t('title', { community: o.community.name })}</h1>
      <p className="muted">{o.community.district}</p>

      <section aria-labelledby="attention">
        <h2 id="attention">{t('attentionTitle')}</h2>
        {attention.length === 0 ? (
          <p className="card shell-ok">{t('allGood')}</p>
        ) : (
          <ul className="shell-attention">
            {attention.map((a) => (
              <li key={a.key} className="card">
                <Icon name="warning" />
                {a.href ? <Link href={a.href}>{a.text}</Link> : <span>{a.text}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="figures">
        <h2 id="figures">{t('figuresTitle')}</h2>
        <dl className="shell-figures">
          {figures.map((f) => (
            <div key={f.key} className="card" data-figure={f.key}>
              <dt>{t(`figures.${f.key}`)}</dt>
              <dd>{fmt(f.value)}</dd>
              {f.note && <dd className="muted shell-figure-note">{f.note}</dd>}
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="goto">
        <h2 id="goto">{t('gotoTitle')}</h2>
        <ul className="shell-cards">
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.to} className="shell-card-link">
                <Icon name={l.icon} size={32} />
                <strong>{tAll(l.label)}</strong>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
