'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { StatusBadge } from './status-badge';

export function MerchantHome() {
  const t = useTranslations('merchant.home');
  const tNav = useTranslations('merchant.nav');
  const tKinds = useTranslations('merchant.kinds');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('merchant');
  const mine = useQuery(trpc.merchant.mine.queryOptions());
  if (mine.isPending) return <p className="muted">{tc('loading')}</p>;
  if (mine.error) {
    return (
      <div role="alert" className="card">
        <p className="error">{errorMessage(mine.error)}</p>
        <button type="button" onClick={() => void mine.refetch()}>
          {tc('retry')}
        </button>
      </div>
    );
  }
  return (
    <>
      <h1>{t('title')}</h1>
      {mine.data.length === 0 && <p className="card">{t('none')}</p>}
      <ul className="ob-list">
        {mine.data.map((m) => (
          <li key={m.id} className="card" style={{ margin: 0 }} data-merchant={m.id}>
            <h2 style={{ marginTop: 0 }}>{m.displayName || m.legalName || t('untitled')}</h2>
            <p className="muted" style={{ marginTop: 0 }}>
              {tKinds(m.kind)} · {m.role === 'owner' ? t('owner') : t('staff')}
            </p>
            {m.admissions.length === 0 ? (
              <p>{t('notApplied')}</p>
            ) : (
              <ul className="ob-list">
                {m.admissions.map((a) => (
                  <li
                    key={a.admissionId}
                    style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}
                  >
                    <span>{a.communityName}</span>
                    <StatusBadge status={a.status} />
                  </li>
                ))}
              </ul>
            )}
            <div className="ob-inline">
              <Link className="button primary" href={`/m/${m.id}`}>
                {tNav('status')}
              </Link>
              <Link className="button" href={`/m/${m.id}/catalog`}>
                {tNav('catalog')}
              </Link>
              <Link className="button" href={`/m/${m.id}/team`}>
                {tNav('team')}
              </Link>
            </div>
          </li>
        ))}
      </ul>
      <p style={{ marginTop: 24 }}>
        <Link className="button ob-big" href="/m/apply">
          {t('apply')}
        </Link>
      </p>
    </>
  );
}
