'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import type { AppRouter } from '@/server/api/root';
import { useCodeMessage, useFieldLabel } from '@/app/m/_onboarding/field-label';
import { fileSize } from '@/app/m/_onboarding/format';
import { StatusBadge } from '@/app/m/_onboarding/status-badge';
import { UploadField } from '@/app/m/_onboarding/upload-field';
import { FIELD_STEP, isStep, STEPS, type Step } from './steps';

type Application = inferRouterOutputs<AppRouter>['merchant']['get'];
type TextFieldName =
  | 'legalName'
  | 'displayName'
  | 'creditCode'
  | 'contactName'
  | 'contactPhone'
  | 'foodPermitNo'
  | 'foodPermitExpiresOn'
  | 'vehiclePlate'
  | 'driverName'
  | 'driverPhone'
  | 'vehiclePassExpiresOn';
type DocKind = 'business_licence' | 'food_permit' | 'vehicle_pass' | 'other';
const KINDS = ['supermarket', 'farm_coop', 'wholesaler', 'restaurant', 'other'] as const;

type TrpcLikeError = {
  data?: { appCode?: string | null; field?: string | null; details?: Record<string, unknown> | null } | null;
};

export function ApplyWizard() {
  const params = useSearchParams();
  const merchantId = params.get('merchantId');
  return merchantId ? <Wizard merchantId={merchantId} /> : <Start />;
}

/** No application chosen yet: continue one of mine, or start a new one. */
function Start() {
  const t = useTranslations('merchant.apply');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const router = useRouter();
  const errorMessage = useErrorMessage('merchant');
  const mine = useQuery(trpc.merchant.mine.queryOptions());
  const start = useMutation(
    trpc.merchant.start.mutationOptions({
      onSuccess: (r) => router.replace(`/m/apply?merchantId=${r.merchantId}&step=basic`),
    }),
  );
  // One request id per visit: a double tap or a retry returns the same new application.
  const [requestId] = useState(() => crypto.randomUUID());
  const owned = (mine.data ?? []).filter((m) => m.role === 'owner');
  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      {mine.isPending && <p className="muted">{tc('loading')}</p>}
      {owned.length > 0 && (
        <section>
          <h2>{t('continueTitle')}</h2>
          <ul className="ob-list">
            {owned.map((m) => (
              <li key={m.id}>
                <Link
                  className="ob-row-link"
                  href={`/m/apply?merchantId=${m.id}&step=basic`}
                  data-merchant={m.id}
                >
                  <span className="ob-row-main">
                    <span className="ob-row-title">{m.displayName || m.legalName || t('untitled')}</span>
                    <span>
                      {m.admissions.map((a) => (
                        <span key={a.admissionId} style={{ marginRight: 8 }}>
                          {a.communityName} <StatusBadge status={a.status} />
                        </span>
                      ))}
                    </span>
                  </span>
                  <span>{t('continue')} ›</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <button
        type="button"
        className="primary ob-big"
        style={{ marginTop: 24 }}
        disabled={start.isPending}
        onClick={() => start.mutate({ requestId })}
        data-action="start-application"
      >
        {start.isPending ? t('starting') : t('startNew')}
      </button>
      {start.error && (
        <p role="alert" className="error">
          {errorMessage(start.error)}
        </p>
      )}
    </>
  );
}

function Wizard({ merchantId }: { merchantId: string }) {
  const t = useTranslations('merchant.apply');
  const tErrors = useTranslations('merchant.errors');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const errorMessage = useErrorMessage('merchant');
  const stepParam = params.get('step');
  const step: Step = isStep(stepParam) ? stepParam : 'basic';
  const app = useQuery(trpc.merchant.get.queryOptions({ merchantId }));
  const goto = (s: Step) => {
    router.replace(`/m/apply?merchantId=${merchantId}&step=${s}`, { scroll: true });
    window.scrollTo({ top: 0 });
  };

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
  const data = app.data;
  if (data.myRole !== 'owner') {
    // Staff run the catalog and relays; the application is the owner's to sign.
    return (
      <div className="card">
        <p>{tErrors('MERCHANT_OWNER_REQUIRED')}</p>
        <Link className="button" href={`/m/${merchantId}`}>
          {t('review.toStatus')}
        </Link>
      </div>
    );
  }
  const index = STEPS.indexOf(step);
  const stepsWithProblems = new Set(Object.keys(data.missing).map((f) => FIELD_STEP[f]));
  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted" aria-live="polite">
        {t('stepOf', { step: index + 1, total: STEPS.length })} · {t(`steps.${step}`)}
      </p>
      <div className="ob-progress" aria-hidden="true">
        <div style={{ width: `${((index + 1) / STEPS.length) * 100}%` }} />
      </div>
      <ol className="ob-steps" aria-label={t('title')}>
        {STEPS.map((s, i) => (
          <li key={s}>
            <a
              href={`/m/apply?merchantId=${merchantId}&step=${s}`}
              aria-current={s === step ? 'step' : undefined}
              ref={
                s === step ? (el) => el?.scrollIntoView({ block: 'nearest', inline: 'center' }) : undefined
              }
              className={stepsWithProblems.has(s) && s !== step ? 'ob-step-bad' : undefined}
              onClick={(e) => {
                e.preventDefault();
                goto(s);
              }}
            >
              {i + 1}. {t(`steps.${s}`)}
            </a>
          </li>
        ))}
      </ol>
      <StepBody step={step} data={data} goto={goto} />
      {step !== 'review' && (
        <div className="ob-nav">
          <button
            type="button"
            disabled={index === 0}
            onClick={() => goto(STEPS[index - 1]!)}
            data-action="prev"
          >
            ‹ {t('prev')}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => goto(STEPS[index + 1]!)}
            data-action="next"
          >
            {t('next')} ›
          </button>
        </div>
      )}
    </>
  );
}

function StepBody({ step, data, goto }: { step: Step; data: Application; goto: (s: Step) => void }) {
  const t = useTranslations('merchant.apply');
  const tKinds = useTranslations('merchant.kinds');
  const label = useFieldLabel();
  const save = useSaver(data);
  switch (step) {
    case 'basic':
      return (
        <section>
          <TextField name="displayName" data={data} save={save} autoComplete="organization" />
          <TextField name="legalName" data={data} save={save} />
          <fieldset className="ob-field" style={{ border: 'none', padding: 0 }}>
            <legend style={{ fontWeight: 600, marginBottom: 6 }}>{label('kind')}</legend>
            <Asked field="kind" data={data} />
            <div className="ob-choices">
              {KINDS.map((k) => (
                <button
                  key={k}
                  type="button"
                  aria-pressed={data.merchant.kind === k}
                  onClick={() => void save.save('kind', k)}
                  data-kind={k}
                >
                  {tKinds(k)}
                </button>
              ))}
            </div>
          </fieldset>
          <TextField name="creditCode" data={data} save={save} autoCapitalize="characters" />
        </section>
      );
    case 'contact':
      return (
        <section>
          <TextField name="contactName" data={data} save={save} autoComplete="name" />
          <TextField
            name="contactPhone"
            data={data}
            save={save}
            type="tel"
            inputMode="tel"
            autoComplete="tel"
          />
        </section>
      );
    case 'permit':
      return (
        <section>
          <TextField name="foodPermitNo" data={data} save={save} autoCapitalize="characters" />
          <TextField name="foodPermitExpiresOn" data={data} save={save} type="date" />
          <Documents kind="food_permit" data={data} />
        </section>
      );
    case 'vehicle':
      return (
        <section>
          <TextField name="vehiclePlate" data={data} save={save} autoCapitalize="characters" />
          <TextField name="driverName" data={data} save={save} />
          <TextField name="driverPhone" data={data} save={save} type="tel" inputMode="tel" />
          <TextField name="vehiclePassExpiresOn" data={data} save={save} type="date" />
          <Documents kind="vehicle_pass" data={data} />
        </section>
      );
    case 'licence':
      return (
        <section>
          <Documents kind="business_licence" data={data} />
          <Documents kind="other" data={data} title={t('otherDocs')} />
        </section>
      );
    case 'health':
      return <Attestations data={data} />;
    case 'communities':
      return <Communities data={data} />;
    case 'review':
      return <Review data={data} goto={goto} />;
  }
}

type FieldState = { saving?: boolean; saved?: boolean; error?: string | null };

/** Saves one field at a time; keeps, per field, whether it is saving, saved, or refused (and why). */
function useSaver(data: Application) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const codeMessage = useCodeMessage();
  const [state, setState] = useState<Record<string, FieldState>>({});
  const update = useMutation(trpc.merchant.update.mutationOptions());
  const save = async (field: string, value: string) => {
    setState((s) => ({ ...s, [field]: { saving: true } }));
    try {
      await update.mutateAsync({ merchantId: data.merchant.id, patch: { [field]: value } });
      // Refetch first, so "saved" appears with the value as stored (a phone in E.164).
      await queryClient.invalidateQueries({
        queryKey: trpc.merchant.get.queryKey({ merchantId: data.merchant.id }),
      });
      setState((s) => ({ ...s, [field]: { saved: true } }));
      return true;
    } catch (e) {
      const err = e as TrpcLikeError & { message?: string };
      const where = err.data?.field ?? field;
      setState((s) => ({ ...s, [where]: { error: codeMessage(err.data?.appCode, err.message) } }));
      return false;
    }
  };
  return { save, state };
}

/** A coordinator's request to change this field, from every compound that asked. */
function Asked({ field, data }: { field: string; data: Application }) {
  const t = useTranslations('merchant.apply');
  const asks = data.admissions.filter((a) => a.status === 'changes_requested' && a.fieldRequests[field]);
  if (asks.length === 0) return null;
  return (
    <>
      {asks.map((a) => (
        <p key={a.id} className="ob-asked" data-asked={field}>
          {t('asked', { reason: a.fieldRequests[field]! })}
          {asks.length > 1 && <span className="muted"> · {a.communityName}</span>}
        </p>
      ))}
    </>
  );
}

function TextField({
  name,
  data,
  save,
  type = 'text',
  inputMode,
  autoComplete,
  autoCapitalize,
}: {
  name: TextFieldName;
  data: Application;
  save: ReturnType<typeof useSaver>;
  type?: 'text' | 'tel' | 'date';
  inputMode?: 'tel' | 'text';
  autoComplete?: string;
  autoCapitalize?: string;
}) {
  const t = useTranslations('merchant');
  const label = useFieldLabel();
  const id = useId();
  const server = data.merchant[name] ?? '';
  const [value, setValue] = useState(server);
  const [lastServer, setLastServer] = useState(server);
  // When the saved value comes back normalised (a phone in E.164), show what was stored.
  if (server !== lastServer) {
    setLastServer(server);
    setValue(server);
  }
  const st = save.state[name] ?? {};
  const missingCode = data.missing[name as keyof typeof data.missing];
  const hint = t.has(`hints.${name}`) ? t(`hints.${name}`) : null;
  const commit = () => {
    if (value.trim() !== server) void save.save(name, value);
  };
  return (
    <div className="ob-field">
      <label htmlFor={id}>
        {label(name)}
        {st.saving && <span className="ob-saved muted">{t('apply.saving')}</span>}
        {st.saved && !st.error && <span className="ob-saved">✓ {t('apply.saved')}</span>}
      </label>
      {hint && <p className="ob-hint">{hint}</p>}
      <Asked field={name} data={data} />
      <input
        id={id}
        name={name}
        type={type}
        inputMode={inputMode}
        autoComplete={autoComplete}
        autoCapitalize={autoCapitalize}
        value={value}
        min={type === 'date' ? data.today : undefined}
        aria-invalid={st.error ? true : undefined}
        aria-describedby={st.error ? `${id}-error` : undefined}
        onChange={(e) => {
          setValue(e.target.value);
          // A date picker commits on pick; text commits on leaving the field.
          if (type === 'date' && e.target.value && e.target.value !== server)
            void save.save(name, e.target.value);
        }}
        onBlur={type === 'date' ? undefined : commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      {st.error ? (
        <p id={`${id}-error`} role="alert" className="ob-field-error" data-error-for={name}>
          {st.error}
        </p>
      ) : (
        missingCode &&
        missingCode !== 'REQUIRED' && (
          <p className="ob-field-error" data-error-for={name}>
            {t(`errors.${missingCode}`)}
          </p>
        )
      )}
    </div>
  );
}

function Documents({ kind, data, title }: { kind: DocKind; data: Application; title?: string }) {
  const t = useTranslations('merchant');
  const label = useFieldLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.merchant.get.queryKey({ merchantId: data.merchant.id }) });
  const remove = useMutation(trpc.merchant.removeDocument.mutationOptions({ onSuccess: refresh }));
  const docs = data.documents.filter((d) => d.kind === kind);
  const field = `documents.${kind}`;
  return (
    <div className="ob-field" data-documents={kind}>
      <h2 style={{ marginTop: 8 }}>{title ?? label(field)}</h2>
      <p className="ob-hint">{t('hints.documents')}</p>
      <Asked field={field} data={data} />
      {docs.length === 0 ? (
        <p className="muted">{t('upload.none')}</p>
      ) : (
        <ul className="ob-docs">
          {docs.map((d) => (
            <li key={d.id} className="ob-doc" data-document-id={d.id}>
              {d.mimeType.startsWith('image/') ? (
                <img className="ob-thumb" src={d.url} alt="" />
              ) : (
                <span className="ob-pdf-icon">PDF</span>
              )}
              <span className="ob-doc-name">
                <a href={d.url} target="_blank" rel="noreferrer">
                  {d.fileName}
                </a>
                <br />
                <span className="muted">{fileSize(d.sizeBytes)}</span>
              </span>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(t('upload.removeConfirm', { name: d.fileName }))) {
                    remove.mutate({ merchantId: data.merchant.id, documentId: d.id });
                  }
                }}
              >
                {t('upload.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {remove.error && (
        <p role="alert" className="error">
          {errorMessage(remove.error)}
        </p>
      )}
      <UploadField
        url="/api/merchant/documents"
        fields={{ merchantId: data.merchant.id, kind }}
        accept="image/jpeg,image/png,image/webp,application/pdf"
        fieldName={field}
        onUploaded={() => void refresh()}
      />
      {data.missing[field as keyof typeof data.missing] && docs.length === 0 && (
        <p className="ob-field-error">{t('errors.DOCUMENT_REQUIRED')}</p>
      )}
    </div>
  );
}

function Attestations({ data }: { data: Application }) {
  const t = useTranslations('merchant');
  const label = useFieldLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const codeMessage = useCodeMessage();
  const errorMessage = useErrorMessage('merchant');
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.merchant.get.queryKey({ merchantId: data.merchant.id }) });
  const [person, setPerson] = useState('');
  const [date, setDate] = useState(data.today);
  const add = useMutation(
    trpc.merchant.addAttestation.mutationOptions({
      onSuccess: () => {
        setPerson('');
        void refresh();
      },
    }),
  );
  const remove = useMutation(trpc.merchant.removeAttestation.mutationOptions({ onSuccess: refresh }));
  const addError = add.error as (TrpcLikeError & { message?: string }) | null;
  const errorField = addError?.data?.field;
  const personId = useId();
  const dateId = useId();
  return (
    <section>
      <h2>{label('healthAttestations')}</h2>
      <p className="ob-hint">{t('hints.healthAttestations')}</p>
      <Asked field="healthAttestations" data={data} />
      {data.attestations.length === 0 ? (
        <p className="muted">{t('apply.attestations.empty')}</p>
      ) : (
        <ul className="ob-docs">
          {data.attestations.map((a) => (
            <li key={a.id} className="ob-doc" data-attestation={a.personName}>
              <span className="ob-doc-name">
                <strong>{a.personName}</strong> ·{' '}
                {t('apply.attestations.testedOn', { date: a.lastNegativeTestOn })}
              </span>
              <button
                type="button"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ merchantId: data.merchant.id, attestationId: a.id })}
              >
                {t('apply.attestations.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ merchantId: data.merchant.id, personName: person, lastNegativeTestOn: date });
        }}
      >
        <div className="ob-field">
          <label htmlFor={personId}>{t('apply.attestations.person')}</label>
          <input
            id={personId}
            name="personName"
            value={person}
            onChange={(e) => setPerson(e.target.value)}
            aria-invalid={errorField === 'personName' || undefined}
          />
        </div>
        <div className="ob-field">
          <label htmlFor={dateId}>{t('apply.attestations.date')}</label>
          <input
            id={dateId}
            name="lastNegativeTestOn"
            type="date"
            max={data.today}
            value={date}
            onChange={(e) => setDate(e.target.value)}
            aria-invalid={errorField === 'lastNegativeTestOn' || undefined}
          />
        </div>
        {addError && (
          <p role="alert" className="ob-field-error">
            {codeMessage(addError.data?.appCode, addError.message)}
          </p>
        )}
        <button
          type="submit"
          className="primary ob-big"
          disabled={add.isPending || !person.trim()}
          data-action="add-attestation"
        >
          {t('apply.attestations.add')}
        </button>
      </form>
      {remove.error && (
        <p role="alert" className="error">
          {errorMessage(remove.error)}
        </p>
      )}
    </section>
  );
}

function Communities({ data }: { data: Application }) {
  const t = useTranslations('merchant.apply.communities');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const all = useQuery(trpc.merchant.communities.queryOptions());
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.merchant.get.queryKey({ merchantId: data.merchant.id }) });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const apply = useMutation(
    trpc.merchant.applyTo.mutationOptions({
      onSuccess: () => {
        setChosen(new Set());
        void refresh();
      },
    }),
  );
  const withdraw = useMutation(trpc.merchant.withdraw.mutationOptions({ onSuccess: refresh }));
  const applied = new Map(data.admissions.map((a) => [a.communityId, a]));
  const toggle = (id: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <section>
      <p>{t('intro')}</p>
      <Asked field="communityIds" data={data} />
      <ul className="ob-list">
        {(all.data ?? []).map((c) => {
          const a = applied.get(c.id);
          return (
            <li key={c.id} className="card" style={{ margin: 0 }} data-community={c.name}>
              {a ? (
                <div
                  style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}
                >
                  <span>
                    <strong>{c.name}</strong>
                    <br />
                    <span className="muted">{c.district}</span>
                  </span>
                  <span style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
                    <StatusBadge status={a.effectiveStatus} />
                    {a.status === 'draft' && (
                      <button
                        type="button"
                        disabled={withdraw.isPending}
                        onClick={() => withdraw.mutate({ merchantId: data.merchant.id, communityId: c.id })}
                      >
                        {t('withdraw')}
                      </button>
                    )}
                  </span>
                </div>
              ) : (
                <label
                  style={{
                    display: 'flex',
                    gap: 12,
                    alignItems: 'center',
                    margin: 0,
                    minHeight: 48,
                    fontWeight: 400,
                  }}
                >
                  <input
                    type="checkbox"
                    style={{ width: 28, height: 28, minHeight: 0, flex: '0 0 auto' }}
                    checked={chosen.has(c.id)}
                    onChange={() => toggle(c.id)}
                    name="communityIds"
                    value={c.id}
                  />
                  <span>
                    <strong>{c.name}</strong>
                    <br />
                    <span className="muted">{c.district}</span>
                  </span>
                </label>
              )}
            </li>
          );
        })}
      </ul>
      {(apply.error || withdraw.error) && (
        <p role="alert" className="error">
          {errorMessage(apply.error ?? withdraw.error)}
        </p>
      )}
      <button
        type="button"
        className="primary ob-big"
        style={{ marginTop: 12 }}
        disabled={chosen.size === 0 || apply.isPending}
        onClick={() => apply.mutate({ merchantId: data.merchant.id, communityIds: [...chosen] })}
        data-action="apply-communities"
      >
        {t('add')}
      </button>
    </section>
  );
}

function Review({ data, goto }: { data: Application; goto: (s: Step) => void }) {
  const t = useTranslations('merchant.apply.review');
  const tErrors = useTranslations('merchant.errors');
  const label = useFieldLabel();
  const trpc = useTRPC();
  const router = useRouter();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('merchant');
  const submit = useMutation(
    trpc.merchant.submit.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.merchant.pathKey() });
        router.push(`/m/${data.merchant.id}`);
      },
    }),
  );
  useEffect(() => {
    if (submit.error) window.scrollTo({ top: 0 });
  }, [submit.error]);
  const missing = Object.entries(data.missing) as [string, string][];
  const pending = data.admissions.filter(
    (a) => a.status === 'draft' || a.status === 'changes_requested' || a.status === 'expired',
  );
  const list = new Intl.ListFormat(locale, { type: 'conjunction' });
  return (
    <section>
      {missing.length === 0 ? (
        <p className="ob-notice ok">{t('allGood')}</p>
      ) : (
        <div className="ob-notice warn" data-missing={missing.length}>
          <p style={{ marginTop: 0, fontWeight: 600 }}>{t('missingTitle')}</p>
          <ul className="ob-list">
            {missing.map(([field, code]) => (
              <li
                key={field}
                style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}
                data-missing-field={field}
              >
                <span>
                  <strong>{label(field)}</strong>
                  <br />
                  <span className="muted">{tErrors.has(code) ? tErrors(code) : code}</span>
                </span>
                <button type="button" onClick={() => goto(FIELD_STEP[field] ?? 'basic')}>
                  {t('goFix')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {pending.length > 0 ? (
        <p>{t('pendingFor', { communities: list.format(pending.map((a) => a.communityName)) })}</p>
      ) : (
        <p className="muted">{t('nothingPending')}</p>
      )}
      {submit.error && (
        <p role="alert" className="error">
          {errorMessage(submit.error)}
        </p>
      )}
      <button
        type="button"
        className="primary ob-big"
        disabled={submit.isPending || missing.length > 0}
        onClick={() => submit.mutate({ merchantId: data.merchant.id })}
        data-action="submit-application"
      >
        {submit.isPending ? t('submitting') : t('submit')}
      </button>
      <p style={{ textAlign: 'center' }}>
        <Link href={`/m/${data.merchant.id}`}>{t('toStatus')} ›</Link>
      </p>
    </section>
  );
}
