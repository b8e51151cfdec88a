'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { hhmm } from '@/app/_health/use-health-live';
import '@/app/_health/health.css';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';

type Counts = { actual: number; negative: number; abnormal: number; invalid: number; reason: string };
type Stairwell = {
  stairwellId: string;
  label: string;
  registered: number;
  maxActual: number;
  fromHouseholds: { households: number; negative: number; abnormal: number; invalid: number };
  report: (Counts & { submittedAt: string }) | null;
};

/** A leader's or volunteer's rows of the round: one form per stairwell they serve (金山表单's row). */
export function SelfTestForms({ communityId, roundId }: { communityId: string; roundId: string }) {
  const t = useTranslations('health');
  const trpc = useTRPC();
  const errorMessage = useErrorMessage('health');
  const q = useQuery(trpc.healthRounds.myForms.queryOptions({ communityId, roundId }));
  return (
    <main data-page="health-forms">
      <h1>{q.data ? q.data.round.title : t('form.title')}</h1>
      {q.isPending && <p className="muted">{t('loading')}</p>}
      {q.isError && <p className="error">{errorMessage(q.error)}</p>}
      {q.data && (
        <>
          <p className="muted">
            {q.data.round.deadlineAt && t('rounds.deadline', { time: hhmm(q.data.round.deadlineAt) })}
            {!q.data.round.editable && ` · ${t('form.closed')}`}
          </p>
          {q.data.stairwells.length === 0 && <p className="muted">{t('form.none')}</p>}
          {q.data.stairwells.map((s) => (
            <StairwellForm
              key={s.stairwellId}
              communityId={communityId}
              roundId={roundId}
              s={s}
              editable={q.data.round.editable}
            />
          ))}
        </>
      )}
    </main>
  );
}

function StairwellForm({
  communityId,
  roundId,
  s,
  editable,
}: {
  communityId: string;
  roundId: string;
  s: Stairwell;
  editable: boolean;
}) {
  const t = useTranslations('health.form');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage('health');
  const h = s.fromHouseholds;
  const [v, setV] = useState<Counts>(
    s.report ?? {
      actual: s.registered,
      negative: h.households ? h.negative : s.registered,
      abnormal: h.abnormal,
      invalid: h.invalid,
      reason: '',
    },
  );
  const submit = useMutation(
    trpc.healthRounds.submitSelfTest.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.healthRounds.myForms.queryKey() }),
    }),
  );
  const id = (k: string) => `f-${s.stairwellId}-${k}`;
  const num = (k: 'actual' | 'negative' | 'abnormal' | 'invalid') => (
    <div>
      <label htmlFor={id(k)}>{t(k)}</label>
      <input
        id={id(k)}
        name={k}
        type="number"
        inputMode="numeric"
        min={0}
        max={k === 'actual' ? s.maxActual : undefined}
        step={1}
        disabled={!editable}
        value={Number.isNaN(v[k]) ? '' : v[k]}
        onChange={(e) => setV({ ...v, [k]: e.target.valueAsNumber })}
      />
    </div>
  );
  return (
    <form
      className="card"
      data-testid="stairwell-form"
      data-stairwell={s.label}
      aria-label={s.label}
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate({ communityId, roundId, stairwellId: s.stairwellId, ...v });
      }}
    >
      <h2 style={{ marginTop: 0 }}>{s.label}</h2>
      <p className="muted">
        {t('registered', { count: s.registered })}
        {h.households > 0 && ` · ${t('fromHouseholds', h)}`}
      </p>
      <div className="health-grid">
        {num('actual')}
        {num('negative')}
        {num('abnormal')}
        {num('invalid')}
      </div>
      {v.actual !== s.registered && (
        <>
          <label htmlFor={id('reason')}>{t('reason')}</label>
          <input
            id={id('reason')}
            name="reason"
            value={v.reason}
            disabled={!editable}
            onChange={(e) => setV({ ...v, reason: e.target.value })}
          />
        </>
      )}
      {editable && (
        <button
          type="submit"
          className="primary"
          style={{ width: '100%', marginTop: 12 }}
          disabled={submit.isPending}
        >
          {s.report ? t('update', { stairwell: s.label }) : t('submit', { stairwell: s.label })}
        </button>
      )}
      {s.report && (
        <p className="muted" role="status">
          {t('saved', { time: hhmm(s.report.submittedAt) })}
        </p>
      )}
      {submit.error && (
        <p className="error" role="alert">
          {errorMessage(submit.error)}
        </p>
      )}
    </form>
  );
}
