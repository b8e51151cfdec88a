'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { FIELD_STEP } from '@/app/m/apply/steps';
import { useFieldLabel } from '@/app/m/_onboarding/field-label';
import { dateTime } from '@/app/m/_onboarding/format';
import { StatusBadge } from '@/app/m/_onboarding/status-badge';

export function StatusView({ merchantId }: { merchantId: string }) {
  const t = useTranslations('merchant.statusPage');
  const tErrors = useTranslations('merchant.errors');
  const tKinds = useTranslations('merchant.kinds');
  const tc = useTranslations('common');
  const label = useFieldLabel();
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('merchant');
  const app = useQuery(trpc.merchant.get.queryOptions({ merchantId }));
  if (app.isPending) return <p className="muted">{tc('loading')}</p>;
  if (app.error) {
    return (
      <div role="alert" className="card">
        <p className="error">{errorMessage(app.error)}</p>
        <button type="button" onClick={() => void app.refetch()}>
          {tc('retry')}
        </button>
      </div>
    );
  }
  const d = app.data;
  const owner = d.myRole === 'owner';
  const fix = (field: string) => `/m/apply?merchantId=${merchantId}&step=${FIELD_STEP[field] ?? 'basic'}`;
  const missing = Object.entries(d.missing) as [string, string][];
  return (
    <>
      <h1>{d.merchant.displayName || d.merchant.legalName || t('title')}</h1>
      <p className="muted">
        {tKinds(d.merchant.kind)}
        {d.merchant.legalName && d.merchant.displayName ? ` · ${d.merchant.legalName}` : ''}
      </p>

      {d.admissions.length === 0 ? (
        <div className="card">
          <p>{t('noCommunities')}</p>
          {owner && (
            <Link className="button primary" href={`/m/apply?merchantId=${merchantId}&step=communities`}>
              {t('chooseCommunities')}
            </Link>
          )}
        </div>
      ) : (
        <ul className="ob-list" style={{ marginTop: 12 }}>
          {d.admissions.map((a) => (
            <li
              key={a.id}
              className="card"
              style={{ margin: 0 }}
              data-admission={a.communityName}
              data-status={a.effectiveStatus}
            >
              <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
                <strong style={{ fontSize: '1.1rem' }}>{a.communityName}</strong>
                <StatusBadge status={a.effectiveStatus} />
              </div>
              <p className="muted" style={{ margin: '4px 0' }}>
                {a.decidedAt
                  ? t('decidedOn', { date: dateTime(a.decidedAt, locale) })
                  : a.submittedAt
                    ? t('submittedOn', { date: dateTime(a.submittedAt, locale) })
                    : null}
              </p>
              {a.effectiveStatus === 'approved' && (
                <p className="ob-notice ok">{t('admitted', { community: a.communityName })}</p>
              )}
              {a.effectiveStatus === 'submitted' && <p>{t('waiting', { community: a.communityName })}</p>}
              {a.effectiveStatus === 'draft' && <p>{t('draft', { community: a.communityName })}</p>}
              {a.effectiveStatus === 'rejected' && (
                <p className="ob-notice bad">{t('rejected', { reason: a.reason ?? '' })}</p>
              )}
              {a.effectiveStatus === 'suspended' && (
                <p className="ob-notice bad">{t('suspended', { reason: a.reason ?? '' })}</p>
              )}
              {a.effectiveStatus === 'changes_requested' && (
                <div className="ob-notice warn" data-changes>
                  <p style={{ marginTop: 0, fontWeight: 600 }}>
                    {t('changesTitle', { community: a.communityName })}
                  </p>
                  <ul className="ob-list">
                    {Object.entries(a.fieldRequests).map(([field, reason]) => (
                      <li
                        key={field}
                        style={{
                          display: 'flex',
                          justifyContent: 'space-between',
                          gap: 8,
                          alignItems: 'center',
                        }}
                        data-request={field}
                      >
                        <span>
                          <strong>{label(field)}</strong>：{reason}
                        </span>
                        {owner && (
                          <Link className="button" href={fix(field)}>
                            {t('fix')}
                          </Link>
                        )}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              {a.effectiveStatus === 'expired' && (
                <div className="ob-notice bad">
                  {d.lapsed.foodPermit && (
                    <p style={{ marginTop: 0 }}>
                      {t('expiredPermit', { date: d.merchant.foodPermitExpiresOn ?? '' })}
                    </p>
                  )}
                  {d.lapsed.vehiclePass && (
                    <p style={{ marginTop: 0 }}>
                      {t('expiredPass', { date: d.merchant.vehiclePassExpiresOn ?? '' })}
                    </p>
                  )}
                  {owner && (
                    <Link
                      className="button primary"
                      href={fix(d.lapsed.foodPermit ? 'foodPermitExpiresOn' : 'vehiclePassExpiresOn')}
                    >
                      {t('renew')}
                    </Link>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {missing.length > 0 && (
        <section className="ob-notice warn" data-missing={missing.length}>
          <p style={{ marginTop: 0, fontWeight: 600 }}>{t('missingTitle')}</p>
          <ul className="ob-list">
            {missing.map(([field, code]) => (
              <li
                key={field}
                style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}
              >
                <span>
                  <strong>{label(field)}</strong> ·{' '}
                  <span className="muted">{tErrors.has(code) ? tErrors(code) : code}</span>
                </span>
                {owner && (
                  <Link className="button" href={fix(field)}>
                    {t('fix')}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {owner && (
        <div className="ob-actions">
          <Link className="button" href={`/m/apply?merchantId=${merchantId}&step=basic`}>
            {t('editApplication')}
          </Link>
          <Link className="button" href={`/m/apply?merchantId=${merchantId}&step=communities`}>
            {t('applyMore')}
          </Link>
        </div>
      )}
    </>
  );
}
