import { getTranslations } from 'next-intl/server';
import { Icon } from './icons';
import type { NavParams } from './nav-href';
import { NAV_ITEMS, type NavRole } from './nav-items';
import { NavTabs } from './nav-tabs';

/**
 * Big bottom tabs for one role's area, from NAV_ITEMS. The icons and labels are drawn here, on the
 * server; the browser only gets the tabs' behaviour (./nav-tabs.tsx: the current tab, the sheet
 * with the rest when there are more than five), which keeps the item table and the icons out of
 * every page's scripts (issue 18).
 */
export async function BottomNav({ role, fallback = {} }: { role: NavRole; fallback?: NavParams }) {
  const t = await getTranslations();
  const items = NAV_ITEMS[role].map((item) => ({
    href: item.href,
    exact: item.exact,
    content: (
      <>
        <Icon name={item.icon} />
        <span>{t(item.label)}</span>
      </>
    ),
  }));
  return (
    <NavTabs
      items={items}
      fallback={fallback}
      more={
        <>
          <Icon name="more" />
          <span>{t('shell.nav.more')}</span>
        </>
      }
      labels={{ nav: t('shell.nav.label'), sheet: t('shell.nav.more'), close: t('shell.nav.close') }}
    />
  );
}
