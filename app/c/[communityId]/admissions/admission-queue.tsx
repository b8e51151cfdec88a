'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { dateTime } from '@/app/m/_onboarding/format';
import { StatusBadge } from '@/app/m/_onboarding/status-badge';

const FILTERS = [
  'submitted',
  'changes_requested',
  'expiring',
  'approved',
  'suspended',
  'expired',
  'rejected',
  'all',
] as const;
type Filter = (typeof FILTERS)[number];

export function AdmissionQueue({ communityId }: { communityId: string }) {
  const t = useTranslations('merchant.review');
  const tKinds = useTranslations('merchant.kinds');
  const tc = useTranslations('common');
  const locale = useLocale();
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const errorMessage = useErrorMessage('merchant');
  const f = params.get('filter');
  const filter: Filter = (FILTERS as readonly string[]).includes(f ?? '') ? (f as Filter) : 'submitted';
  const list = useQuery(trpc.admission.list.queryOptions({ communityId, filter }));
  const counts = list.data?.counts;
  return (
    <>
      <h1>{t('title')}</h1>
      <div className="ob-filters" role="group" aria-label={t('title')}>
        {FILTERS.map((x) => (
          <button
            key={x}
            type="button"
            aria-pressed={x === filter}
            onClick={() => router.replace(`/c/${communityId}/admissions?filter=${x}`)}
            data-filter={x}
          >
            {t(`filters.${x}`)} {counts && <span className="ob-count">{counts[x]}</span>}
          </button>
        ))}
      </div>
      {list.isPending && <p className="muted">{tc('loading')}</p>}
      {list.error && (
        <div role="alert" className="card">
          <p className="error">{errorMessage(list.error)}</p>
          <button type="button" onClick={() => void list.refetch()}>
            {tc('retry')}
          </button>
        </div>
      )}
      {list.isSuccess && list.data.items.length === 0 && <p className="card muted">{t('empty')}</p>}
      <ul className="ob-list">
        {(list.data?.items ?? []).map((a) => {
          const soonest = [a.foodPermitExpiresOn, a.vehiclePassExpiresOn].filter(Boolean).sort()[0];
          return (
            <li key={a.id}>
              <Link
                href={`/c/${communityId}/admissions/${a.id}`}
                className={`ob-row-link${a.flagged ? ' flagged' : ''}`}
                data-admission={a.displayName || a.legalName}
                data-status={a.status}
              >
                <span className="ob-row-main">
                  <span className="ob-row-title">{a.displayName || a.legalName}</span>
                  <span className="muted">
                    {tKinds(a.kind)}
                    {a.submittedAt && ` · ${t('submittedOn', { date: dateTime(a.submittedAt, locale) })}`}
                  </span>
                  <span>
                    <StatusBadge status={a.status} />
                    {a.flagged && <span className="ob-flag">⚠ {t('flagged')}</span>}
                    {a.expiringSoon && soonest && (
                      <span className="ob-flag">{t('expiringSoon', { date: soonest })}</span>
                    )}
                    {a.changedFields.length > 0 && <span className="ob-flag">{t('changed')}</span>}
                  </span>
                </span>
                <span aria-hidden="true">›</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </>
  );
}
