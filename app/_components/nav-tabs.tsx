'use client';
import Link from 'next/link';
import { useParams, usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { isActive, resolveHref, type NavParams } from './nav-href';

const VISIBLE = 4;

type Tab = { href: string; exact?: boolean; content: React.ReactNode };

/**
 * The bottom tabs' behaviour; what each tab shows (icon and label) comes drawn from the server
 * (./bottom-nav.tsx). With more than five tabs the fifth slot opens a sheet with the rest, so every
 * tab stays at least 64 px tall and a quarter of the width.
 */
export function NavTabs({
  items,
  fallback,
  more,
  labels,
}: {
  items: Tab[];
  fallback: NavParams;
  more: React.ReactNode;
  labels: { nav: string; sheet: string; close: string };
}) {
  const pathname = usePathname() ?? '';
  const routeParams = useParams<{ communityId?: string; merchantId?: string }>();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);

  // Ids come from the current URL; outside a merchant's pages (/m/apply) the layout's guess fills in.
  const params: NavParams = {
    communityId: routeParams?.communityId ?? fallback.communityId,
    merchantId: routeParams?.merchantId ?? fallback.merchantId,
  };
  const tabs = items.flatMap((item) => {
    const to = resolveHref(item.href, params);
    return to ? [{ ...item, to }] : [];
  });
  if (tabs.length <= 1) return null;
  const overflow = tabs.length > VISIBLE + 1;
  const shown = overflow ? tabs.slice(0, VISIBLE) : tabs;
  const rest = overflow ? tabs.slice(VISIBLE) : [];
  const restActive = rest.some((i) => isActive(i.exact, i.to, pathname));
  const item = (i: (typeof tabs)[number], className: string) => (
    <li key={i.href}>
      <Link
        href={i.to}
        className={className}
        aria-current={isActive(i.exact, i.to, pathname) ? 'page' : undefined}
      >
        {i.content}
      </Link>
    </li>
  );

  return (
    <>
      {open && (
        <div className="shell-sheet" role="dialog" aria-modal="true" aria-label={labels.sheet}>
          <button
            type="button"
            className="shell-sheet-backdrop"
            aria-label={labels.close}
            onClick={() => setOpen(false)}
          />
          <ul className="shell-sheet-list">{rest.map((i) => item(i, 'shell-sheet-item'))}</ul>
        </div>
      )}
      <nav className="shell-nav" aria-label={labels.nav}>
        <ul style={{ gridTemplateColumns: `repeat(${shown.length + (overflow ? 1 : 0)}, 1fr)` }}>
          {shown.map((i) => item(i, 'shell-nav-item'))}
          {overflow && (
            <li>
              <button
                type="button"
                className="shell-nav-item"
                aria-expanded={open}
                aria-current={restActive ? 'page' : undefined}
                onClick={() => setOpen((o) => !o)}
              >
                {more}
              </button>
            </li>
          )}
        </ul>
      </nav>
    </>
  );
}
