'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { DocumentView } from '@/app/m/_onboarding/document-view';
import { useFieldLabel } from '@/app/m/_onboarding/field-label';
import { dateTime } from '@/app/m/_onboarding/format';
import { StatusBadge } from '@/app/m/_onboarding/status-badge';
import type { AppRouter } from '@/server/api/root';

type Detail = inferRouterOutputs<AppRouter>['admission']['get'];
type Decision = 'approve' | 'requestChanges' | 'reject' | 'suspend' | 'reinstate';

const APPLICATION_FIELDS = [
  'legalName',
  'displayName',
  'kind',
  'creditCode',
  'contactName',
  'contactPhone',
  'foodPermitNo',
  'foodPermitExpiresOn',
  'vehiclePlate',
  'driverName',
  'driverPhone',
  'vehiclePassExpiresOn',
] as const;
const DOCUMENT_FIELDS = [
  'documents.business_licence',
  'documents.food_permit',
  'documents.vehicle_pass',
  'documents.other',
] as const;
const DECISIONS_BY_STATUS: Record<string, Decision[]> = {
  submitted: ['approve', 'requestChanges', 'reject'],
  changes_requested: ['reject'],
  approved: ['suspend'],
  suspended: ['reinstate'],
};

export function AdmissionDetail({ communityId, admissionId }: { communityId: string; admissionId: string }) {
  const t = useTranslations('merchant.review');
  const tc = useTranslations('common');
  const tKinds = useTranslations('merchant.kinds');
  const label = useFieldLabel();
  const locale = useLocale();
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('merchant');
  const detail = useQuery(trpc.admission.get.queryOptions({ communityId, admissionId }));
  if (detail.isPending) return <p className="muted">{tc('loading')}</p>;
  if (detail.error) {
    return (
      <div role="alert" className="card">
        <p className="error">{errorMessage(detail.error)}</p>
        <Link className="button" href={`/c/${communityId}/admissions`}>
          {t('back')}
        </Link>
      </div>
    );
  }
  const d = detail.data;
  const a = d.admission;
  const changed = new Set(a.changedFields);
  const value = (f: (typeof APPLICATION_FIELDS)[number]) =>
    f === 'kind' ? tKinds(d.merchant.kind) : (d.merchant[f] ?? '—');
  return (
    <>
      <p>
        <Link href={`/c/${communityId}/admissions`}>‹ {t('back')}</Link>
      </p>
      <h1 style={{ marginBottom: 4 }}>{d.merchant.displayName || d.merchant.legalName}</h1>
      <p style={{ marginTop: 0 }}>
        <StatusBadge status={a.status} />
        {a.expiringSoon && (
          <span className="ob-flag">
            {t('expiringSoon', {
              date: [d.merchant.foodPermitExpiresOn, d.merchant.vehiclePassExpiresOn].sort()[0] ?? '',
            })}
          </span>
        )}
      </p>
      {a.changedFields.length > 0 && (
        <p className="ob-notice warn" data-changed>
          {t('changedSince', { fields: a.changedFields.map(label).join('、') })}
        </p>
      )}
      {a.status === 'changes_requested' && Object.keys(a.fieldRequests).length > 0 && (
        <div className="ob-notice warn">
          <p style={{ marginTop: 0, fontWeight: 600 }}>{t('youAsked')}</p>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {Object.entries(a.fieldRequests).map(([f, r]) => (
              <li key={f}>
                {label(f)}：{r}
              </li>
            ))}
          </ul>
        </div>
      )}
      {(a.status === 'rejected' || a.status === 'suspended') && a.reason && (
        <p className="ob-notice bad">
          {t('reasonLabel')}：{a.reason}
        </p>
      )}

      <section className="card" aria-labelledby="checklist">
        <h2 id="checklist" style={{ marginTop: 0 }}>
          {t('checklistTitle')}
        </h2>
        <ul className="ob-checklist">
          {d.checklist.map((c) => {
            const detailText = Array.isArray(c.detail) ? c.detail.join('、') : (c.detail ?? '');
            return (
              <li key={c.key} data-check={c.key} data-ok={c.ok}>
                <span className={`ob-check ${c.ok ? 'ok' : 'bad'}`} aria-hidden="true">
                  {c.ok ? '✓' : '✗'}
                </span>
                <span>
                  {t(`checklist.${c.key}`)}
                  <br />
                  <span className={c.ok ? 'muted' : 'error'}>
                    {c.problem
                      ? t(`checklist.problems.${c.problem}`, { detail: detailText })
                      : c.detail
                        ? t('checklist.validUntil', { detail: detailText })
                        : ''}
                  </span>
                </span>
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card" aria-labelledby="application">
        <h2 id="application" style={{ marginTop: 0 }}>
          {t('applicationTitle')}
        </h2>
        <dl className="ob-dl">
          {APPLICATION_FIELDS.map((f) => (
            <div key={f} style={{ display: 'contents' }}>
              <dt>{label(f)}</dt>
              <dd className={changed.has(f) ? 'changed' : undefined} data-field={f}>
                {value(f)}
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="documents">
        <h2 id="documents">{t('documentsTitle')}</h2>
        {DOCUMENT_FIELDS.map((f) => {
          const docs = d.documents.filter((x) => `documents.${x.kind}` === f);
          if (docs.length === 0 && f === 'documents.other') return null;
          return (
            <div key={f} className="card" data-documents={f}>
              <h3 style={{ marginTop: 0 }}>
                {label(f)} {changed.has(f) && <span className="ob-flag">{t('changed')}</span>}
              </h3>
              {docs.length === 0 ? (
                <p className="error">{t('checklist.problems.MISSING')}</p>
              ) : (
                docs.map((x) => <DocumentView key={x.id} doc={x} />)
              )}
            </div>
          );
        })}
      </section>

      <section className="card" aria-labelledby="health">
        <h2 id="health" style={{ marginTop: 0 }}>
          {t('healthTitle')}
        </h2>
        {d.attestations.length === 0 ? (
          <p className="error">{t('checklist.problems.NONE')}</p>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {d.attestations.map((x) => (
              <li key={x.id}>
                {x.personName} · {x.lastNegativeTestOn}
              </li>
            ))}
          </ul>
        )}
      </section>

      {/* Decide after seeing the papers: the checklist sums them up, the documents are above. */}
      <Decisions detail={d} communityId={communityId} admissionId={admissionId} />

      <section className="card" aria-labelledby="history">
        <h2 id="history" style={{ marginTop: 0 }}>
          {t('historyTitle')}
        </h2>
        <ul className="ob-history">
          {d.history.map((h) => {
            const key = h.action.replace(/^admission\./, '');
            const after = (h.after ?? {}) as {
              reason?: string | null;
              fieldRequests?: Record<string, string>;
            };
            return (
              <li key={h.id}>
                <strong>{t.has(`actions.${key}`) ? t(`actions.${key}`) : h.action}</strong>
                <span className="muted">
                  {' '}
                  · {dateTime(h.at, locale)} · {h.actorName ?? t('system')}
                </span>
                {after.reason && <div>{after.reason}</div>}
                {key === 'requestChanges' && after.fieldRequests && (
                  <div className="muted">
                    {Object.entries(after.fieldRequests)
                      .map(([f, r]) => `${label(f)}：${r}`)
                      .join('；')}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

function Decisions({
  detail,
  communityId,
  admissionId,
}: {
  detail: Detail;
  communityId: string;
  admissionId: string;
}) {
  const t = useTranslations('merchant.review');
  const label = useFieldLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const [mode, setMode] = useState<Decision | null>(null);
  const [reason, setReason] = useState('');
  const [requests, setRequests] = useState<Record<string, string>>({});
  const [done, setDone] = useState<Decision | null>(null);
  const reasonId = useId();
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.admission.pathKey() });
  };
  const after = (decision: Decision) => ({
    onSuccess: async () => {
      setDone(decision);
      setMode(null);
      setReason('');
      setRequests({});
      await refresh();
    },
    // Someone else may have decided meanwhile: show the current state with the refusal.
    onError: () => void refresh(),
  });
  const approve = useMutation(trpc.admission.approve.mutationOptions(after('approve')));
  const requestChanges = useMutation(trpc.admission.requestChanges.mutationOptions(after('requestChanges')));
  const reject = useMutation(trpc.admission.reject.mutationOptions(after('reject')));
  const suspend = useMutation(trpc.admission.suspend.mutationOptions(after('suspend')));
  const reinstate = useMutation(trpc.admission.reinstate.mutationOptions(after('reinstate')));
  const all = { approve, requestChanges, reject, suspend, reinstate };
  const busy = Object.values(all).some((m) => m.isPending);
  const failed = Object.values(all).find((m) => m.error)?.error ?? null;
  const status = detail.admission.storedStatus;
  const available = DECISIONS_BY_STATUS[status] ?? [];
  const ref = { communityId, admissionId };
  const name = detail.merchant.displayName || detail.merchant.legalName;

  const run = (decision: Decision) => {
    for (const m of Object.values(all)) m.reset();
    setDone(null);
    if (decision === 'approve') {
      if (window.confirm(t('confirm.approve', { name }))) approve.mutate(ref);
      return;
    }
    if (decision === 'reinstate' && mode !== 'reinstate') {
      setMode('reinstate');
      return;
    }
    setMode(decision);
  };

  const requestFields = [...APPLICATION_FIELDS, ...DOCUMENT_FIELDS, 'healthAttestations'] as const;
  return (
    <section aria-label={t('decisions.approve')} data-decisions={available.join(',')}>
      {done && (
        <p role="status" className="ob-notice ok" data-done={done}>
          ✓ {t(`done.${done}`)}
        </p>
      )}
      {failed && (
        <p role="alert" className="ob-notice bad">
          {errorMessage(failed)}
        </p>
      )}
      {available.length === 0 && (status === 'rejected' || status === 'expired') && (
        <p className="muted">{t(`noDecision.${status}`)}</p>
      )}
      {mode === null && available.length > 0 && (
        <div className="ob-actions">
          {available.map((decision) => (
            <button
              key={decision}
              type="button"
              className={decision === 'approve' || decision === 'reinstate' ? 'primary' : undefined}
              disabled={busy}
              onClick={() => run(decision)}
              data-decision={decision}
            >
              {t(`decisions.${decision}`)}
            </button>
          ))}
        </div>
      )}
      {mode === 'requestChanges' && (
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            requestChanges.mutate({
              ...ref,
              fields: Object.fromEntries(Object.entries(requests).filter(([, r]) => r.trim())),
            });
          }}
          data-form="request-changes"
        >
          <p style={{ marginTop: 0 }}>{t('requestChangesIntro')}</p>
          {requestFields.map((f) => {
            const on = f in requests;
            return (
              <div key={f} className="ob-req" data-request-field={f}>
                <label>
                  <input
                    type="checkbox"
                    checked={on}
                    onChange={() =>
                      setRequests((r) => {
                        const n = { ...r };
                        if (on) delete n[f];
                        else n[f] = '';
                        return n;
                      })
                    }
                  />
                  {label(f)}
                </label>
                {on && (
                  <textarea
                    aria-label={t('reasonFor', { field: label(f) })}
                    rows={2}
                    value={requests[f]}
                    onChange={(e) => setRequests((r) => ({ ...r, [f]: e.target.value }))}
                    name={`reason-${f}`}
                    required
                  />
                )}
              </div>
            );
          })}
          <div className="ob-inline">
            <button type="button" onClick={() => setMode(null)} disabled={busy}>
              {t('cancel')}
            </button>
            <button
              type="submit"
              className="primary"
              disabled={busy || !Object.values(requests).some((r) => r.trim())}
              data-action="send-change-request"
            >
              {t('sendRequest')}
            </button>
          </div>
        </form>
      )}
      {(mode === 'reject' || mode === 'suspend' || mode === 'reinstate') && (
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            if (mode === 'reject') reject.mutate({ ...ref, reason });
            else if (mode === 'suspend') suspend.mutate({ ...ref, reason });
            else if (window.confirm(t('confirm.reinstate', { name })))
              reinstate.mutate({ ...ref, note: reason || undefined });
          }}
          data-form={mode}
        >
          <label htmlFor={reasonId}>
            {mode === 'reject'
              ? t('rejectReason')
              : mode === 'suspend'
                ? t('suspendReason')
                : t('reinstateNote')}
          </label>
          <textarea
            id={reasonId}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required={mode !== 'reinstate'}
            name="reason"
          />
          <div className="ob-inline">
            <button type="button" onClick={() => setMode(null)} disabled={busy}>
              {t('cancel')}
            </button>
            <button
              type="submit"
              className="primary"
              disabled={busy || (mode !== 'reinstate' && !reason.trim())}
              data-action={`confirm-${mode}`}
            >
              {t(`decisions.${mode}`)}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
