'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTranslations } from 'next-intl';

/** The merchant's own pages: status, products, team, and the application itself. */
export function MerchantTabs({ merchantId }: { merchantId: string }) {
  const t = useTranslations('merchant.nav');
  const pathname = usePathname() ?? '';
  const tabs = [
    { href: `/m/${merchantId}`, label: t('status') },
    { href: `/m/${merchantId}/catalog`, label: t('catalog') },
    { href: `/m/${merchantId}/team`, label: t('team') },
    { href: `/m/apply?merchantId=${merchantId}`, label: t('edit') },
  ];
  return (
    <nav className="ob-tabs" aria-label={t('status')}>
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={pathname === tab.href.split('?')[0] ? 'page' : undefined}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
