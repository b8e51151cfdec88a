'use client';
import Link from 'next/link';
import { useParams, usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Icon } from './icons';
import { NAV_ITEMS, isActive, resolveHref, type NavParams, type NavRole } from './nav-items';

const VISIBLE = 4;

/**
 * Big bottom tabs for one role's area, from NAV_ITEMS. With more than five items the fifth slot
 * opens a sheet with the rest, so every tab stays at least 64 px tall and a quarter of the width.
 */
export function BottomNav({ role, fallback = {} }: { role: NavRole; fallback?: NavParams }) {
  const t = useTranslations();
  const tShell = useTranslations('shell.nav');
  const pathname = usePathname() ?? '';
  const routeParams = useParams<{ communityId?: string; merchantId?: string }>();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);

  // Ids come from the current URL; outside a merchant's pages (/m/apply) the layout's guess fills in.
  const params: NavParams = {
    communityId: routeParams?.communityId ?? fallback.communityId,
    merchantId: routeParams?.merchantId ?? fallback.merchantId,
  };
  const items = NAV_ITEMS[role].flatMap((item) => {
    const to = resolveHref(item.href, params);
    return to ? [{ ...item, to }] : [];
  });
  if (items.length <= 1) return null;
  const overflow = items.length > VISIBLE + 1;
  const shown = overflow ? items.slice(0, VISIBLE) : items;
  const rest = overflow ? items.slice(VISIBLE) : [];
  const restActive = rest.some((i) => isActive(i, i.to, pathname));

  return (
    <>
      {open && (
        <div className="shell-sheet" role="dialog" aria-modal="true" aria-label={tShell('more')}>
          <button
            type="button"
            className="shell-sheet-backdrop"
            aria-label={tShell('close')}
            onClick={() => setOpen(false)}
          />
          <ul className="shell-sheet-list">
            {rest.map((i) => (
              <li key={i.href}>
                <Link
                  href={i.to}
                  className="shell-sheet-item"
                  aria-current={isActive(i, i.to, pathname) ? 'page' : undefined}
                >
                  <Icon name={i.icon} />
                  <span>{t(i.label)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      <nav className="shell-nav" aria-label={tShell('label')}>
        <ul style={{ gridTemplateColumns: `repeat(${shown.length + (overflow ? 1 : 0)}, 1fr)` }}>
          {shown.map((i) => {
            const active = isActive(i, i.to, pathname);
            return (
              <li key={i.href}>
                <Link href={i.to} className="shell-nav-item" aria-current={active ? 'page' : undefined}>
                  <Icon name={i.icon} />
                  <span>{t(i.label)}</span>
                </Link>
              </li>
            );
          })}
          {overflow && (
            <li>
              <button
                type="button"
                className="shell-nav-item"
                aria-expanded={open}
                aria-current={restActive ? 'page' : undefined}
                onClick={() => setOpen((o) => !o)}
              >
                <Icon name="more" />
                <span>{tShell('more')}</span>
              </button>
            </li>
          )}
        </ul>
      </nav>
    </>
  );
}
